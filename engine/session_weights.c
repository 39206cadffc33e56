/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A network's tensors to and from safetensors: "<layer>.<suffix>" with PyTorch's shapes. */
#include "engine/layer.h"
#include "engine/net.h"
#include "engine/safetensors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct named_view {
  char name[2 * BP_NAME_MAX + 16];
  bp_param_view view;
} named_view;

/* Every parameter and buffer view of the net, in layer order; caller frees. */
static named_view *
collect_views (bp_net *net, int *n_out)
{
  int n_layers = bp_net_n_layers (net);
  named_view *v = calloc ((size_t) n_layers * 2 * BP_MAX_PARAM_VIEWS + 1, sizeof *v);
  if (v == NULL)
    return NULL;
  int n = 0;
  for (int i = 0; i < n_layers; i++)
    {
      bp_layer *L = bp_net_layer (net, i);
      bp_param_view views[BP_MAX_PARAM_VIEWS];
      int k = L->ops->param_views ? L->ops->param_views (L, views) : 0;
      for (int j = 0; j < k; j++, n++)
        {
          v[n].view = views[j];
          snprintf (v[n].name, sizeof v[n].name, "%s.%s", L->spec->name, views[j].suffix);
        }
      k = L->ops->buffer_views ? L->ops->buffer_views (L, views) : 0;
      for (int j = 0; j < k; j++, n++)
        {
          v[n].view = views[j];
          snprintf (v[n].name, sizeof v[n].name, "%s.%s", L->spec->name, views[j].suffix);
        }
    }
  *n_out = n;
  return v;
}

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
  named_view *v = collect_views (net, &n);
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
  named_view *v = collect_views (net, &n);
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
