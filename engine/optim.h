/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Optimizers with torch.optim's update rules, over one flat parameter vector. */
#pragma once

#include "engine/spec.h"
#include <stdbool.h>
#include <stddef.h>

typedef struct bp_optim {
  bp_optim_cfg cfg; /* live: lr and the rest may change between steps */
  size_t n;         /* parameters */
  float *state;     /* bp_optim_state_floats() floats, owned by the caller */
  long t;           /* steps taken */
  bp_optim_kind state_kind; /* the kind the state was built for; a change resets it */
  unsigned ready;           /* bit k: the k-th n-float part of state is initialised */
  unsigned fresh;           /* bit k: part k was made ready by the step in progress */
} bp_optim;

/* Floats of state the optimizer keeps for n parameters (momentum, moments, ...): enough for
 * every option of cfg->kind, so momentum, centered or amsgrad may be switched on between
 * steps. Parts are initialised when first used. Changing cfg.kind resets the state (the
 * buffer must then be large enough for the new kind). */
size_t bp_optim_state_floats (const bp_optim_cfg *cfg, size_t n);

/* Binds the state buffer and resets it (zeros, or Adagrad's initial accumulator). */
void bp_optim_init (bp_optim *o, const bp_optim_cfg *cfg, float *state, size_t n);
void bp_optim_reset (bp_optim *o);

/* One step: params -= update(grads). Returns false if any new parameter would not be finite;
 * such a parameter keeps its old value, so the parameters always stay finite. */
bool bp_optim_step (bp_optim *o, float *params, const float *grads);

/* The same step in pieces, so that it can be split over threads: bp_optim_begin_step once
 * (counts the step, readies the state), then bp_optim_step_range over ranges that together
 * cover [0, n) exactly once, from any threads at the same time. Each element's update depends
 * on that element alone, so the result is the same however the ranges are cut. Returns false
 * as bp_optim_step does, for the range. */
void bp_optim_begin_step (bp_optim *o);
bool bp_optim_step_range (const bp_optim *o, float *params, const float *grads, size_t begin,
                          size_t end);

/* Euclidean norm of g[0..n) (accumulated in double). */
double bp_grad_norm (const float *g, size_t n);
/* Its square, the sum of g[i]^2 (the same sum, in the same order). */
double bp_grad_sumsq (const float *g, size_t n);

/* If norm > max_norm, scales g by max_norm / (norm + 1e-6) as torch.nn.utils.clip_grad_norm_. */
void bp_clip_grad_norm (float *g, size_t n, double norm, float max_norm);
