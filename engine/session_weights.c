/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network's tensors to and from safetensors: "<layer>.<suffix>" with PyTorch's shapes. */
#include "engine/layer.h"
#include "engine/net.h"
#include "engine/safetensors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
view_numel (const bp_param_view *v)
{
  size_t n = 1;
  for (int d = 0; d < v->rank; d++)
    n *= (size_t) v->dims[d];
  return n;
}

int
bp_net_save_safetensors (bp_net *net, const char *path, const char *const *meta_keys,
                         const char *const *meta_values, int n_meta, char *err, size_t errlen)
{
  int n = 0;
  bp_named_tensor *v = bp_net_named_tensors (net, &n);
  bp_st_tensor *t = calloc ((size_t) n + 1, sizeof *t);
  const char **mk = calloc ((size_t) n_meta + 1, sizeof *mk);
  const char **mv = calloc ((size_t) n_meta + 1, sizeof *mv);
  char *spec_json = bp_spec_to_json (bp_net_spec (net));
  int rc = -1;
  if (v == NULL || t == NULL || mk == NULL || mv == NULL || spec_json == NULL)
    {
      snprintf (err, errlen, "%s: out of memory", path);
      goto out;
    }
  for (int i = 0; i < n; i++)
    {
      t[i].name = v[i].name;
      t[i].rank = v[i].view.rank;
      for (int d = 0; d < v[i].view.rank; d++)
        t[i].dims[d] = v[i].view.dims[d];
      t[i].data = v[i].view.value;
    }
  mk[0] = "spec";
  mv[0] = spec_json;
  for (int i = 0; i < n_meta; i++)
    {
      mk[i + 1] = meta_keys[i];
      mv[i + 1] = meta_values[i];
    }
  rc = bp_safetensors_write (path, t, n, mk, mv, n_meta + 1, err, errlen);
out:
  free (spec_json);
  free (mk);
  free (mv);
  free (t);
  free (v);
  return rc;
}

int
bp_net_load_safetensors (bp_net *net, const bp_safetensors *st, const char *what, char *err,
                         size_t errlen)
{
  int n = 0;
  bp_named_tensor *v = bp_net_named_tensors (net, &n);
  if (v == NULL)
    {
      snprintf (err, errlen, "%s: out of memory", what);
      return -1;
    }
  /* Check everything before changing anything. */
  int rc = 0;
  for (int i = 0; rc == 0 && i < n; i++)
    {
      const bp_st_tensor *t = bp_safetensors_find (st, v[i].name);
      if (t == NULL)
        {
          snprintf (err, errlen, "%s: tensor '%s' is missing", what, v[i].name);
          rc = -1;
          break;
        }
      bool same = t->rank == v[i].view.rank;
      for (int d = 0; same && d < t->rank; d++)
        same = t->dims[d] == v[i].view.dims[d];
      if (!same)
        {
          snprintf (err, errlen, "%s: tensor '%s' has a different shape than the network's",
                    what, v[i].name);
          rc = -1;
        }
    }
  if (rc == 0 && bp_safetensors_n_tensors (st) != n)
    {
      snprintf (err, errlen, "%s: %d tensors, but the network has %d", what,
                bp_safetensors_n_tensors (st), n);
      rc = -1;
    }
  for (int i = 0; rc == 0 && i < n; i++)
    {
      const bp_st_tensor *t = bp_safetensors_find (st, v[i].name);
      memcpy (v[i].view.value, t->data, view_numel (&v[i].view) * sizeof (float));
    }
  free (v);
  return rc;
}
