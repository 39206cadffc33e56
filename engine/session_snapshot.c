/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filling snapshots and the histogram history on the trainer thread. Memory is sized once per
 * network and grid size; a snapshot itself never allocates after its slot has been used.
 * This file plans a snapshot, fills its layers (norms, histograms, small dense weights) and
 * publishes it; the forwards through the view net are in session_snapshot_forward.c. */
#include "engine/session_snapshot_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define HIST_SAMPLE_MAX (1 << 14) /* bigger tensors are histogrammed from a sample */

static void
hist_of (bp_histogram *h, const float *x, size_t n, int bins, hist_range *r)
{
  bp_histogram_compute_sampled (h, x, n, HIST_SAMPLE_MAX, bins, &r->lo, &r->hi);
}

static size_t
view_numel (const bp_param_view *v)
{
  size_t n = 1;
  for (int d = 0; d < v->rank; d++)
    n *= (size_t) v->dims[d];
  return n;
}

/* Weights, biases and their gradients of layer li; first view = weights, second = biases. */
static void
param_histograms (bp_session *s, int li, int bins, hist_range *ranges, bp_histogram *out,
                  bool *has)
{
  bp_layer *L = bp_net_layer (s->net, li);
  bp_param_view v[BP_MAX_PARAM_VIEWS];
  int k = L->ops->param_views != NULL ? L->ops->param_views (L, v) : 0;
  for (int t = 0; t < BP_HIST_ACTIVATIONS; t++)
    has[t] = false;
  for (int j = 0; j < k && j < 2; j++)
    {
      bp_hist_tensor tv = j == 0 ? BP_HIST_WEIGHTS : BP_HIST_BIASES;
      bp_hist_tensor tg = j == 0 ? BP_HIST_WEIGHT_GRADS : BP_HIST_BIAS_GRADS;
      size_t n = view_numel (&v[j]);
      hist_of (&out[tv], v[j].value, n, bins, &ranges[tv]);
      hist_of (&out[tg], v[j].grad, n, bins, &ranges[tg]);
      has[tv] = has[tg] = true;
    }
}

void
bp_session_snapshot_activations (bp_session *s)
{
  if (s->act_hist == NULL || s->last_n <= 0)
    return;
  int L = bp_net_n_layers (s->net);
  for (int i = 0; i < L; i++)
    {
      size_t n = (size_t) s->last_n * bp_net_layer (s->net, i)->out_size;
      hist_of (&s->act_hist[i], bp_net_layer_output (s->net, i), n, s->snap_opts.bins,
               &s->snap_ranges[(size_t) i * BP_HIST_TENSOR_COUNT + BP_HIST_ACTIVATIONS]);
    }
  s->act_hist_step = s->step + 1;
}

/* Called after every step: the histogram history, and a weight copy if one was asked. */
void
bp_session_history_maybe (bp_session *s)
{
  bp_session_weights_serve (s);
  bp_hist_history *h = s->hist;
  if (h->every == 0 || s->step < h->next_step)
    return;
  int L = h->n_layers;
  if (s->hist_tmp == NULL)
    {
      s->hist_tmp = calloc ((size_t) L * BP_HIST_TENSOR_COUNT, sizeof *s->hist_tmp);
      s->hist_has = calloc ((size_t) L * BP_HIST_TENSOR_COUNT, sizeof *s->hist_has);
      if (s->hist_tmp == NULL || s->hist_has == NULL)
        return;
    }
  for (int i = 0; i < L; i++)
    {
      bp_histogram *out = &s->hist_tmp[(size_t) i * BP_HIST_TENSOR_COUNT];
      bool *has = &s->hist_has[(size_t) i * BP_HIST_TENSOR_COUNT];
      hist_range *r = &h->ranges[(size_t) i * BP_HIST_TENSOR_COUNT];
      param_histograms (s, i, h->bins, r, out, has);
      size_t n = (size_t) s->last_n * bp_net_layer (s->net, i)->out_size;
      hist_of (&out[BP_HIST_ACTIVATIONS], bp_net_layer_output (s->net, i), n, h->bins,
               &r[BP_HIST_ACTIVATIONS]);
      has[BP_HIST_ACTIVATIONS] = true;
    }
  bp_hist_history_append (h, s->step, s->epoch + 1, s->hist_tmp, s->hist_has);
  /* Coarser as the run grows, so long runs stay bounded (see snapshot.h). */
  if (bp_hist_history_count (h) % BP_HIST_HISTORY_BLOCK == 0)
    h->every *= 2;
  h->next_step = s->step + h->every;
}

/* ---- snapshots ---- */

/* Sum of x^2: eight float lanes over blocks of 256 (the compiler can vectorise independent
 * lanes, not one serial sum), each block added up in double. */
static double
sum_squares (const float *x, size_t n)
{
  double total = 0.0;
  size_t at = 0;
  for (; at + 256 <= n; at += 256)
    {
      float lane[8] = { 0 };
      for (size_t i = 0; i < 256; i += 8)
        for (int l = 0; l < 8; l++)
          lane[l] += x[at + i + (size_t) l] * x[at + i + (size_t) l];
      for (int l = 0; l < 8; l++)
        total += lane[l];
    }
  for (; at < n; at++)
    total += (double) x[at] * x[at];
  return total;
}

static snapshot_layout
plan (bp_session *s)
{
  snapshot_layout lo = { 0 };
  const bp_snapshot_options *o = &s->snap_opts;
  lo.n_layers = bp_net_n_layers (s->net);
  size_t dense_params = 0;
  lo.small = o->weights;
  for (int i = 0; i < lo.n_layers; i++)
    {
      bp_layer *L = bp_net_layer (s->net, i);
      bp_layer_kind k = L->spec->kind;
      if (k == BP_LAYER_DENSE)
        dense_params += L->n_params;
      else if (k != BP_LAYER_ACTIVATION && k != BP_LAYER_DROPOUT)
        lo.small = false;
      if (i < lo.n_layers - 1 && snapshot_thumbnail_layer (s, i))
        lo.hidden += L->out_size;
    }
  lo.small = lo.small && dense_params <= BP_SNAPSHOT_SMALL_DENSE;
  if (lo.small)
    lo.floats += 2 * dense_params;
  lo.sample = s->sample_row >= 0;
  if (lo.sample)
    {
      lo.floats += (size_t) s->n_inputs + s->n_outputs;
      for (int i = 0; i < lo.n_layers; i++)
        lo.floats += bp_net_layer (s->net, i)->out_size;
    }
  lo.grid = s->two_d && o->grid;
  lo.gs = o->grid_size < 2 ? 2 : o->grid_size > BP_GRID_MAX ? BP_GRID_MAX : o->grid_size;
  if (lo.grid)
    lo.floats += (size_t) lo.gs * lo.gs * s->n_outputs;
  lo.neurons = s->two_d && o->neurons;
  lo.ns = o->neuron_size < 2 ? 2 : o->neuron_size > 64 ? 64 : o->neuron_size;
  if (lo.hidden > BP_SNAPSHOT_MAX_NEURONS)
    lo.hidden = 0;
  if (lo.neurons)
    lo.floats += (size_t) lo.ns * lo.ns * ((size_t) s->n_inputs + lo.hidden);
  lo.floats += bp_session_snapshot_kernel_floats (s);
  return lo;
}

static bool
slot_fit (snapshot_slot *slot, const snapshot_layout *lo)
{
  if (lo->n_layers > slot->cap_layers)
    {
      bp_layer_snapshot *l = realloc (slot->layers, sizeof *l * (size_t) lo->n_layers);
      const float **np = realloc (slot->neuron_ptrs, sizeof *np * (size_t) lo->n_layers);
      if (l != NULL)
        slot->layers = l;
      if (np != NULL)
        slot->neuron_ptrs = np;
      if (l == NULL || np == NULL)
        return false;
      slot->cap_layers = lo->n_layers;
    }
  if (lo->floats > slot->cap_floats)
    {
      float *f = realloc (slot->floats, sizeof (float) * lo->floats);
      if (f == NULL)
        return false;
      slot->floats = f;
      slot->cap_floats = lo->floats;
    }
  return true;
}

static void
fill_layers (bp_session *s, snapshot_slot *slot, const snapshot_layout *lo, float **cur)
{
  bool hist = s->snap_opts.histograms;
  for (int i = 0; i < lo->n_layers; i++)
    {
      bp_layer *L = bp_net_layer (s->net, i);
      bp_layer_snapshot *ls = &slot->layers[i];
      memset (ls->has, 0, sizeof ls->has);
      memcpy (ls->name, L->spec->name, BP_NAME_MAX);
      ls->kind = L->spec->kind;
      ls->activation = L->spec->kind == BP_LAYER_DENSE ? L->spec->u.dense.activation
                       : L->spec->kind == BP_LAYER_ACTIVATION ? L->spec->u.activation.fn
                                                              : BP_ACT_LINEAR;
      ls->in_size = (int) L->in_size;
      ls->out_size = (int) L->out_size;
      ls->sample_output = NULL;
      ls->weights = ls->biases = ls->edge_grad = ls->bias_grad = NULL;
      double w2 = 0.0, g2 = 0.0;
      bp_param_view v[BP_MAX_PARAM_VIEWS];
      int k = L->ops->param_views != NULL ? L->ops->param_views (L, v) : 0;
      if (hist)
        {
          hist_range *r = &s->snap_ranges[(size_t) i * BP_HIST_TENSOR_COUNT];
          param_histograms (s, i, s->snap_opts.bins, r, ls->hist, ls->has);
          if (s->act_hist_step > 0)
            {
              ls->hist[BP_HIST_ACTIVATIONS] = s->act_hist[i];
              ls->has[BP_HIST_ACTIVATIONS] = true;
            }
        }
      /* Norms: exact for small tensors; for big ones (with histograms on) from the
       * histogram's sample, sum x^2 = count * (std^2 + mean^2), which reads no more memory. */
      for (int j = 0; j < k; j++)
        {
          size_t n = view_numel (&v[j]);
          const bp_histogram *hv = j < 2 && hist ? &ls->hist[j == 0 ? BP_HIST_WEIGHTS
                                                                     : BP_HIST_BIASES] : NULL;
          const bp_histogram *hg = j < 2 && hist ? &ls->hist[j == 0 ? BP_HIST_WEIGHT_GRADS
                                                                     : BP_HIST_BIAS_GRADS] : NULL;
          if (n > HIST_SAMPLE_MAX && hv != NULL && hv->n_nonfinite == 0 && hg->n_nonfinite == 0)
            {
              w2 += (double) n * ((double) hv->std * hv->std + (double) hv->mean * hv->mean);
              g2 += (double) n * ((double) hg->std * hg->std + (double) hg->mean * hg->mean);
            }
          else
            {
              w2 += sum_squares (v[j].value, n);
              g2 += sum_squares (v[j].grad, n);
            }
        }
      ls->weight_norm = sqrt (w2);
      ls->grad_norm = sqrt (g2);
      if (lo->small && L->spec->kind == BP_LAYER_DENSE && k >= 1)
        {
          size_t nw = view_numel (&v[0]);
          float *w = snapshot_carve (cur, nw), *g = snapshot_carve (cur, nw);
          memcpy (w, v[0].value, nw * sizeof (float));
          for (size_t e = 0; e < nw; e++)
            g[e] = fabsf (v[0].grad[e]);
          ls->weights = w;
          ls->edge_grad = g;
          if (k >= 2)
            {
              size_t nb = view_numel (&v[1]);
              float *b = snapshot_carve (cur, nb), *bg = snapshot_carve (cur, nb);
              memcpy (b, v[1].value, nb * sizeof (float));
              for (size_t e = 0; e < nb; e++)
                bg[e] = fabsf (v[1].grad[e]);
              ls->biases = b;
              ls->bias_grad = bg;
            }
        }
    }
}

static bool
ensure_trainer_side (bp_session *s, int n_layers)
{
  if (s->snap_ranges != NULL && s->snap_layers == n_layers)
    return true;
  bp_session_snapshot_forget_net (s);
  s->snap_ranges = calloc ((size_t) n_layers * BP_HIST_TENSOR_COUNT, sizeof *s->snap_ranges);
  s->act_hist = calloc ((size_t) n_layers, sizeof *s->act_hist);
  s->snap_layers = n_layers;
  return s->snap_ranges != NULL && s->act_hist != NULL;
}

/* CPU time of the calling thread: what a snapshot costs the trainer, unaffected by the
 * trainer being preempted on a busy machine (wall time would then inflate the cost). */
static double
thread_cpu_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

void
bp_session_make_snapshot (bp_session *s)
{
  double t0 = bp_session_now (), c0 = thread_cpu_s ();
  s->snapshot_wanted = false;
  s->next_snapshot_t = t0 + s->snap_opts.interval_s;
  snapshot_layout lo = plan (s);
  snapshot_slot *slot = &s->slots[s->back];
  bp_session_weights_serve (s); /* an idle trainer serves requests here */
  if (!ensure_trainer_side (s, lo.n_layers) || !slot_fit (slot, &lo))
    return; /* out of memory: the reader keeps the previous snapshot */
  bp_snapshot *sn = &slot->snap;
  sn->seq = ++s->snap_seq;
  sn->run = atomic_load (&s->pub_run);
  sn->step = s->step;
  sn->epoch = s->epoch + 1;
  sn->time = atomic_load (&s->pub_time);
  sn->loss = s->last_loss;
  sn->lr = s->lr_now;
  sn->n_layers = lo.n_layers;
  sn->layers = slot->layers;
  sn->small_dense = lo.small;
  float *cur = slot->floats;
  fill_layers (s, slot, &lo, &cur);
  bp_session_snapshot_kernels (s, slot->layers, lo.n_layers, &cur);
  bp_session_snapshot_fill_sample (s, slot, &lo, &cur);
  bp_session_snapshot_fill_grid (s, slot, &lo, &cur);
  sn->history_count = bp_hist_history_count (s->hist);
  double c1 = thread_cpu_s ();
  double cost = c1 - c0;
  sn->cost_ms = cost * 1e3;
  /* The time budget: a costly snapshot delays the next one (see max_share), by at most a
   * second, so what is drawn never falls further behind than that. The budget is a share of
   * the trainer's CPU time: on a busy machine the trainer gets less than a core, so its CPU
   * time runs slower than the wall clock, by the factor measured since the last snapshot. */
  double wall_per_cpu = 1.0;
  if (s->snap_cpu_end > 0 && c0 > s->snap_cpu_end && t0 > s->snap_wall_end)
    wall_per_cpu = (t0 - s->snap_wall_end) / (c0 - s->snap_cpu_end);
  wall_per_cpu = wall_per_cpu < 1.0 ? 1.0 : wall_per_cpu > 20.0 ? 20.0 : wall_per_cpu;
  double gap = s->snap_opts.interval_s, share = s->snap_opts.max_share;
  double need = share > 0 ? cost / share * wall_per_cpu : 0.0;
  if (need > gap)
    gap = need < 1.0 ? need : (gap > 1.0 ? gap : 1.0);
  s->next_snapshot_t = t0 + gap;
  s->snap_cpu_end = c1;
  s->snap_wall_end = bp_session_now ();
  /* Publish: our filled slot becomes the middle one, the old middle is ours to fill next. */
  int old = atomic_exchange_explicit (&s->middle, s->back | SLOT_FRESH, memory_order_acq_rel);
  s->back = old & 3;
}

/* Trainer-side buffers that depend on the network's shape (before it is replaced). */
void
bp_session_snapshot_forget_net (bp_session *s)
{
  free (s->snap_ranges);
  free (s->act_hist);
  free (s->hist_tmp);
  free (s->hist_has);
  free (s->grid_x);
  free (s->ngrid_x);
  bp_net_free (s->view_net);
  s->view_net = NULL;
  s->snap_ranges = NULL;
  s->act_hist = NULL;
  s->hist_tmp = NULL;
  s->hist_has = NULL;
  s->grid_x = s->ngrid_x = NULL;
  s->grid_x_size = s->ngrid_x_size = 0;
  s->snap_layers = 0;
  s->act_hist_step = 0;
}

void
bp_session_snapshot_slots_free (bp_session *s)
{
  bp_session_snapshot_forget_net (s);
  for (int i = 0; i < 3; i++)
    {
      free (s->slots[i].layers);
      free (s->slots[i].floats);
      free (s->slots[i].neuron_ptrs);
    }
  bp_weight_copies_free (s->weight_copies);
  s->weight_copies = NULL;
}
