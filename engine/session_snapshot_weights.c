/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Weight copies on request: one dense layer's weights, copied by the trainer between two steps
 * into a latest-wins triple buffer of its own, for a view that shows a network its snapshots
 * do not carry the weights of (the dashboard following another page's run). The reader asks,
 * the trainer copies after the step in progress (or at once when idle, through a snapshot
 * command), and the reader takes the copy when it is there: nobody waits for anybody.
 *
 * Separate from the snapshots' slots so that a second reader (the dashboard) never takes the
 * snapshots of the page that owns the session. Costs the step loop one atomic load per step
 * while nothing is asked. */
#include "engine/session_internal.h"

#include <stdlib.h>
#include <string.h>

#define COPY_FRESH 4

typedef struct copy_slot {
  bp_weights_snapshot snap;
  bp_dense_info *dense;
  int cap_dense;
  float *floats; /* weights then biases */
  size_t cap_floats;
} copy_slot;

struct bp_weight_copies {
  copy_slot slots[3];
  atomic_int middle;       /* slot index | COPY_FRESH */
  int back;                /* the trainer's */
  int front;               /* the reader's */
  atomic_bool wanted;      /* a request not served yet */
  atomic_int wanted_layer; /* its layer (written before wanted) */
  uint64_t seq;            /* trainer side */
};

bp_weight_copies *
bp_weight_copies_new (void)
{
  bp_weight_copies *w = calloc (1, sizeof *w);
  if (w == NULL)
    return NULL;
  atomic_init (&w->middle, 1);
  atomic_init (&w->wanted, false);
  atomic_init (&w->wanted_layer, -1);
  w->back = 0;
  w->front = 2;
  return w;
}

void
bp_weight_copies_free (bp_weight_copies *w)
{
  if (w == NULL)
    return;
  for (int i = 0; i < 3; i++)
    {
      free (w->slots[i].dense);
      free (w->slots[i].floats);
    }
  free (w);
}

/* The dense layers of the net into slot->dense; false when memory is short. */
static bool
list_dense (bp_session *s, copy_slot *slot, int *n_dense)
{
  int L = bp_net_n_layers (s->net), n = 0;
  if (L > slot->cap_dense)
    {
      bp_dense_info *d = realloc (slot->dense, sizeof *d * (size_t) L);
      if (d == NULL)
        return false;
      slot->dense = d;
      slot->cap_dense = L;
    }
  for (int i = 0; i < L; i++)
    {
      const bp_layer *layer = bp_net_layer (s->net, i);
      if (layer->spec->kind != BP_LAYER_DENSE)
        continue;
      bp_dense_info *d = &slot->dense[n++];
      memcpy (d->name, layer->spec->name, BP_NAME_MAX);
      d->layer = i;
      d->out = (int) layer->out_size;
      d->in = (int) layer->in_size;
      d->activation = layer->spec->u.dense.activation;
    }
  *n_dense = n;
  return true;
}

static void
copy_layer (bp_session *s, bp_weight_copies *w, int want)
{
  copy_slot *slot = &w->slots[w->back];
  bp_weights_snapshot *sn = &slot->snap;
  int n_dense, pick = 0;
  if (!list_dense (s, slot, &n_dense))
    return; /* out of memory: the reader keeps the previous copy */
  for (int i = 0; i < n_dense; i++)
    if (slot->dense[i].layer == want)
      pick = i;
  sn->weights = sn->biases = NULL;
  sn->dense_index = -1;
  if (n_dense > 0)
    {
      bp_layer *L = bp_net_layer (s->net, slot->dense[pick].layer);
      bp_param_view v[BP_MAX_PARAM_VIEWS];
      int k = L->ops->param_views (L, v);
      size_t nw = (size_t) slot->dense[pick].out * (size_t) slot->dense[pick].in;
      size_t nb = k >= 2 ? (size_t) slot->dense[pick].out : 0;
      if (nw + nb > slot->cap_floats)
        {
          float *f = realloc (slot->floats, sizeof (float) * (nw + nb));
          if (f == NULL)
            return;
          slot->floats = f;
          slot->cap_floats = nw + nb;
        }
      memcpy (slot->floats, v[0].value, sizeof (float) * nw);
      if (nb > 0)
        memcpy (slot->floats + nw, v[1].value, sizeof (float) * nb);
      sn->weights = slot->floats;
      sn->biases = nb > 0 ? slot->floats + nw : NULL;
      sn->dense_index = pick;
    }
  sn->seq = ++w->seq;
  sn->run = atomic_load (&s->pub_run);
  sn->step = s->step;
  sn->n_dense = n_dense;
  sn->dense = slot->dense;
  int old = atomic_exchange_explicit (&w->middle, w->back | COPY_FRESH, memory_order_acq_rel);
  w->back = old & 3;
}

void
bp_session_weights_serve (bp_session *s)
{
  bp_weight_copies *w = s->weight_copies;
  if (w == NULL || !atomic_load_explicit (&w->wanted, memory_order_relaxed)
      || !atomic_exchange (&w->wanted, false))
    return;
  copy_layer (s, w, atomic_load (&w->wanted_layer));
}

void
bp_session_request_weights (bp_session *s, int layer)
{
  bp_weight_copies *w = s->weight_copies;
  if (w == NULL)
    return;
  atomic_store (&w->wanted_layer, layer);
  atomic_store (&w->wanted, true);
  /* A running trainer serves it after the step in progress. An idle one needs waking: a
   * snapshot command does that and serves it. The state is read after the request is out, so
   * a trainer that stops running now still sees the request in the snapshot it makes on
   * stopping. */
  if (bp_session_get_state (s) != BP_SESSION_RUNNING)
    bp_session_request_snapshot (s);
}

const bp_weights_snapshot *
bp_session_weights (bp_session *s, bool *fresh)
{
  bp_weight_copies *w = s->weight_copies;
  bool got = false;
  if (w == NULL)
    {
      if (fresh != NULL)
        *fresh = false;
      return NULL;
    }
  if (atomic_load_explicit (&w->middle, memory_order_acquire) & COPY_FRESH)
    {
      int m = atomic_exchange_explicit (&w->middle, w->front, memory_order_acq_rel);
      w->front = m & 3;
      got = true;
    }
  if (fresh != NULL)
    *fresh = got;
  const bp_weights_snapshot *snap = &w->slots[w->front].snap;
  return snap->seq > 0 ? snap : NULL;
}
