/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The live session: commands from every state, live hyperparameters, divergence, early
 * stopping, plateau and schedules on constructed cases, snapshots checked against a forward
 * pass by hand, a thread hammering commands while another drains the log, and the trainer
 * thread's priority. */
#include "engine/layer.h"
#include "engine/net.h"
#include "engine/safetensors.h"
#include "session-fixtures.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <pthread.h>
#include <stdatomic.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

typedef struct fx {
  bp_dataset *ds;
  bp_split split;
  bp_spec *spec;
  bp_session_config cfg;
  bp_session *s;
} fx;

/* 200 training rows (two blobs), 100 validation rows of the same blobs. */
static void
fx_blobs_session (fx *f, float lr, int batch, bool start)
{
  f->ds = fx_blobs (150, 0, 3);
  f->split = fx_split (200, 100);
  f->spec = fx_tiny_spec (lr, batch);
  bp_session_config_defaults (&f->cfg, f->spec);
  f->cfg.max_epochs = 0;
  if (start)
    {
      char err[256] = "";
      f->s = bp_session_new (f->spec, f->ds, &f->split, NULL, &f->cfg, err, sizeof err);
      if (f->s == NULL)
        g_error ("session: %s", err);
    }
}

/* y = x1 - 2 x2, a linear 2-1 net with MSE: lr 50 diverges within a few dozen steps.
 * 160 training rows, batch 10: 16 steps an epoch. */
static void
fx_plane_session (fx *f, float lr)
{
  f->ds = fx_plane (200, 4);
  f->split = fx_split (160, 40);
  const int units[] = { 1 };
  f->spec = fx_spec (2, units, 1, BP_ACT_LINEAR, BP_LOSS_MSE, BP_OPTIM_SGD, lr, 10);
  bp_session_config_defaults (&f->cfg, f->spec);
  f->cfg.max_epochs = 0;
  char err[256] = "";
  f->s = bp_session_new (f->spec, f->ds, &f->split, NULL, &f->cfg, err, sizeof err);
  if (f->s == NULL)
    g_error ("session: %s", err);
}

static void
fx_free (fx *f)
{
  bp_session_free (f->s);
  bp_spec_free (f->spec);
  bp_split_free (&f->split);
  bp_dataset_free (f->ds);
}

static void
test_create_errors (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, false);
  char err[256] = "";
  const int units3[] = { 4, 1 };
  bp_spec *bad = fx_spec (3, units3, 2, BP_ACT_TANH, BP_LOSS_BCE_LOGITS, BP_OPTIM_SGD, 0.1f, 10);
  g_assert_null (bp_session_new (bad, f.ds, &f.split, NULL, &f.cfg, err, sizeof err));
  g_assert_nonnull (strstr (err, "takes 3 inputs"));
  bp_spec_free (bad);
  const int units_ce[] = { 4, 3 };
  bad = fx_spec (2, units_ce, 2, BP_ACT_TANH, BP_LOSS_CROSS_ENTROPY, BP_OPTIM_SGD, 0.1f, 10);
  g_assert_null (bp_session_new (bad, f.ds, &f.split, NULL, &f.cfg, err, sizeof err));
  g_assert_nonnull (strstr (err, "gives 3 outputs"));
  bp_spec_free (bad);
  bp_split empty = { 0 };
  g_assert_null (bp_session_new (f.spec, f.ds, &empty, NULL, &f.cfg, err, sizeof err));
  g_assert_nonnull (strstr (err, "no training rows"));
  fx_free (&f);
}

static void
test_step_and_epoch (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, true);
  bp_session_status st;
  bp_session_get_status (f.s, &st);
  g_assert_cmpint (st.state, ==, BP_SESSION_PAUSED);
  g_assert_cmpint (st.reason, ==, BP_REASON_NONE);
  g_assert_cmpuint (st.step, ==, 0);
  g_assert_cmpuint (st.run, ==, 1);
  g_assert_cmpuint (st.steps_per_epoch, ==, 20);

  bp_session_step (f.s, 5);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_PAUSED);
  bp_session_get_status (f.s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_STEPS_DONE);
  g_assert_cmpuint (st.step, ==, 5);
  const bp_metric_log *log = bp_session_metric_log (f.s);
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (log, &n);
  g_assert_cmpuint (n, ==, 5);
  for (uint64_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (r[i].step, ==, i + 1);
      g_assert_cmpuint (r[i].epoch, ==, 1);
      g_assert_cmpfloat (r[i].lr, ==, 0.1f);
      g_assert_true (r[i].acc >= 0 && r[i].acc <= 1);
      g_assert_true (isfinite (r[i].loss));
      g_assert_true (i == 0 || r[i].time >= r[i - 1].time);
    }

  /* The rest of the epoch: 15 more steps, then an epoch record with validation figures. */
  bp_session_step_epoch (f.s);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_PAUSED);
  bp_session_get_status (f.s, &st);
  g_assert_cmpuint (st.step, ==, 20);
  g_assert_cmpuint (st.epoch, ==, 1);
  g_assert_cmpuint (st.epoch_step, ==, 0);
  g_assert_cmpuint (bp_metric_log_n_epochs (log), ==, 1);
  bp_epoch_record e;
  bp_metric_log_read_epochs (log, 0, &e, 1);
  g_assert_cmpuint (e.epoch, ==, 1);
  g_assert_cmpuint (e.step, ==, 20);
  g_assert_true (isfinite (e.val_loss) && isfinite (e.train_loss));
  g_assert_true (e.val_acc >= 0.5); /* two blobs 4 sigma apart: learnt in one epoch */
  g_assert_true (isnan (e.val_r2));

  /* The train loss of the epoch is the sample-weighted mean of its batch losses. */
  g_free (r);
  r = fx_steps (log, &n);
  double sum = 0;
  for (uint64_t i = 0; i < n; i++)
    sum += r[i].loss;
  g_assert_cmpfloat_with_epsilon (e.train_loss, sum / 20, 1e-6);

  /* Epoch limit: play stops at the end of epoch 3. */
  bp_session_set_limits (f.s, 3, 0);
  bp_session_play (f.s);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_FINISHED);
  bp_session_get_status (f.s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_EPOCH_LIMIT);
  g_assert_cmpuint (st.step, ==, 60);
  /* Throughput is out (after 20 ms of running at most); every batch here has 10 rows. */
  if (st.time > 0.02)
    {
      g_assert_cmpfloat (st.samples_per_s, >, 0);
      g_assert_cmpfloat_with_epsilon (st.steps_per_s * 10, st.samples_per_s,
                                      st.samples_per_s * 1e-9);
    }
  g_assert_cmpfloat (st.time, >, 0);
  /* Raising the limit lets play go on; a step limit stops it exactly. */
  bp_session_set_limits (f.s, 0, 65);
  bp_session_play (f.s);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_FINISHED);
  bp_session_get_status (f.s, &st);
  g_assert_cmpint (st.reason, ==, BP_REASON_STEP_LIMIT);
  g_assert_cmpuint (st.step, ==, 65);
  g_assert_cmpuint (bp_metric_log_n_steps (log), ==, 65);
  fx_free (&f);
}

/* ---- every command from every state ---- */

typedef enum { ST_PAUSED, ST_RUNNING, ST_STOPPED, ST_LIMIT, ST_DIVERGED, N_ST } start_state;
typedef enum { C_PLAY, C_PAUSE, C_STEP, C_EPOCH, C_STOP, C_RESET, C_LR, N_C } command;

static void
enter (fx *f, start_state st)
{
  switch (st)
    {
    case ST_PAUSED:
      bp_session_step (f->s, 3);
      g_assert_cmpint (fx_wait (f->s), ==, BP_SESSION_PAUSED);
      break;
    case ST_RUNNING:
      bp_session_play (f->s);
      while (bp_session_get_step (f->s) < 3)
        g_usleep (100);
      g_assert_cmpint (bp_session_get_state (f->s), ==, BP_SESSION_RUNNING);
      break;
    case ST_STOPPED:
      bp_session_step (f->s, 3);
      bp_session_stop (f->s);
      g_assert_cmpint (fx_wait (f->s), ==, BP_SESSION_FINISHED);
      break;
    case ST_LIMIT:
      bp_session_set_limits (f->s, 0, 3);
      bp_session_play (f->s);
      g_assert_cmpint (fx_wait (f->s), ==, BP_SESSION_FINISHED);
      bp_session_set_limits (f->s, 0, 0); /* limits lifted: play may go on */
      break;
    case ST_DIVERGED:
      bp_session_set_hparam (f->s, BP_HPARAM_LR, 50, NULL, 0);
      bp_session_play (f->s);
      g_assert_cmpint (fx_wait (f->s), ==, BP_SESSION_DIVERGED);
      bp_session_set_hparam (f->s, BP_HPARAM_LR, 0.01, NULL, 0);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
test_every_command (void)
{
  /* What state each command leads to, from each state (RUNNING = still running). */
  static const bp_session_state expect[N_ST][N_C] = {
    /*              play      pause     step      epoch     stop      reset     lr */
    [ST_PAUSED] = { BP_SESSION_RUNNING, BP_SESSION_PAUSED, BP_SESSION_PAUSED, BP_SESSION_PAUSED,
                    BP_SESSION_FINISHED, BP_SESSION_PAUSED, BP_SESSION_PAUSED },
    [ST_RUNNING] = { BP_SESSION_RUNNING, BP_SESSION_PAUSED, BP_SESSION_PAUSED,
                     BP_SESSION_PAUSED, BP_SESSION_FINISHED, BP_SESSION_PAUSED,
                     BP_SESSION_RUNNING },
    [ST_STOPPED] = { BP_SESSION_FINISHED, BP_SESSION_FINISHED, BP_SESSION_FINISHED,
                     BP_SESSION_FINISHED, BP_SESSION_FINISHED, BP_SESSION_PAUSED,
                     BP_SESSION_FINISHED },
    [ST_LIMIT] = { BP_SESSION_RUNNING, BP_SESSION_FINISHED, BP_SESSION_PAUSED,
                   BP_SESSION_PAUSED, BP_SESSION_FINISHED, BP_SESSION_PAUSED,
                   BP_SESSION_FINISHED },
    [ST_DIVERGED] = { BP_SESSION_RUNNING, BP_SESSION_DIVERGED, BP_SESSION_PAUSED,
                      BP_SESSION_PAUSED, BP_SESSION_FINISHED, BP_SESSION_PAUSED,
                      BP_SESSION_DIVERGED },
  };
  for (int st = 0; st < N_ST; st++)
    for (int c = 0; c < N_C; c++)
      {
        fx f = { 0 };
        fx_plane_session (&f, 0.1f);
        enter (&f, (start_state) st);
        uint64_t step0 = bp_session_get_step (f.s);
        uint64_t run0 = bp_session_run (f.s);
        switch ((command) c)
          {
          case C_PLAY: bp_session_play (f.s); break;
          case C_PAUSE: bp_session_pause (f.s); break;
          case C_STEP: bp_session_step (f.s, 2); break;
          case C_EPOCH: bp_session_step_epoch (f.s); break;
          case C_STOP: bp_session_stop (f.s); break;
          case C_RESET: bp_session_reset (f.s, 5); break;
          case C_LR: g_assert_cmpint (bp_session_set_hparam (f.s, BP_HPARAM_LR, 0.05, NULL, 0), ==, 0);
            break;
          default: g_assert_not_reached ();
          }
        bp_session_state got;
        if (expect[st][c] == BP_SESSION_RUNNING)
          {
            /* Still running a while later, and making progress (allowing a loaded machine
             * a few seconds to schedule the trainer). */
            g_usleep (20000);
            for (int t = 0; t < 500 && bp_session_get_step (f.s) <= step0; t++)
              g_usleep (10000);
            got = bp_session_get_state (f.s);
            g_assert_cmpuint (bp_session_get_step (f.s), >, step0);
          }
        else
          got = fx_wait (f.s);
        if (got != expect[st][c])
          g_error ("from state %d, command %d: got %s, expected %s", st, c,
                   bp_session_state_name (got), bp_session_state_name (expect[st][c]));
        bp_session_status s;
        bp_session_get_status (f.s, &s);
        if (c == C_RESET)
          {
            g_assert_cmpuint (s.run, ==, run0 + 1);
            g_assert_cmpuint (s.step, ==, 0);
          }
        if (st == ST_PAUSED && c == C_STEP)
          g_assert_cmpuint (s.step, ==, step0 + 2);
        if (st == ST_PAUSED && c == C_EPOCH)
          g_assert_cmpuint (s.step, ==, 16); /* to the end of epoch 1 */
        if ((st == ST_STOPPED || st == ST_LIMIT) && c != C_RESET && c != C_PLAY && c != C_STEP
            && c != C_EPOCH)
          g_assert_cmpuint (s.step, ==, step0);
        if (c == C_LR)
          g_assert_cmpfloat (bp_session_get_hparam (f.s, BP_HPARAM_LR), ==, 0.05);
        fx_free (&f);
      }
}

/* ---- live changes ---- */

static void
test_live_hparams (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, true);
  bp_session_step (f.s, 7);
  fx_wait (f.s);
  char err[128];
  g_assert_cmpint (bp_session_set_hparam (f.s, BP_HPARAM_LR, 0.123, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_session_set_hparam (f.s, BP_HPARAM_LR, -1, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "lr -1 is out of range"));
  g_assert_cmpint (bp_session_set_hparam (f.s, BP_HPARAM_DROPOUT, 1.0, err, sizeof err), ==, -1);
  g_assert_cmpint (bp_session_set_hparam (f.s, BP_HPARAM_BATCH_SIZE, 2.5, err, sizeof err), ==, -1);
  bp_session_step (f.s, 1);
  fx_wait (f.s);
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (bp_session_metric_log (f.s), &n);
  g_assert_cmpuint (n, ==, 8);
  g_assert_cmpfloat (r[6].lr, ==, 0.1f);
  g_assert_cmpfloat (r[7].lr, ==, 0.123f); /* the very next record */

  /* While running: once the new rate shows, the old never comes back. */
  bp_session_play (f.s);
  while (bp_session_get_step (f.s) < 50)
    g_usleep (100);
  bp_session_set_hparam (f.s, BP_HPARAM_LR, 0.0625, NULL, 0);
  uint64_t at_set = bp_session_get_step (f.s);
  while (bp_session_get_step (f.s) < at_set + 100)
    g_usleep (100);
  bp_session_pause (f.s);
  fx_wait (f.s);
  g_free (r);
  r = fx_steps (bp_session_metric_log (f.s), &n);
  bool seen = false;
  for (uint64_t i = 8; i < n; i++)
    {
      if (r[i].lr == 0.0625f)
        seen = true;
      else
        g_assert_false (seen);
    }
  g_assert_true (seen);

  /* Batch size: 200 rows / 25 = 8 steps an epoch, from the next step. */
  bp_session_set_hparam (f.s, BP_HPARAM_BATCH_SIZE, 25, NULL, 0);
  bp_session_set_hparam (f.s, BP_HPARAM_MOMENTUM, 0.9, NULL, 0);
  bp_session_step (f.s, 1);
  fx_wait (f.s);
  bp_session_status st;
  bp_session_get_status (f.s, &st);
  g_assert_cmpuint (st.steps_per_epoch, ==, 8);
  g_assert_cmpfloat (bp_session_get_hparam (f.s, BP_HPARAM_MOMENTUM), ==, 0.9);
  g_assert_cmpfloat (bp_session_get_hparam (f.s, BP_HPARAM_BATCH_SIZE), ==, 25);
  fx_free (&f);
}

static int
zero_first_layer (bp_net *net, void *user)
{
  (void) user;
  bp_layer *L = bp_net_layer (net, 0);
  memset (L->params, 0, 16 * sizeof (float));
  return (int) bp_net_layer (net, 0)->in_size * 8;
}

static void
test_set_weight (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, true);
  char err[256] = "";
  g_assert_cmpint (bp_session_set_weight (f.s, 0, 7, 1, 0.625f, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_session_set_weight (f.s, 2, 0, -1, -1.5f, err, sizeof err), ==, 0);
  g_assert_cmpint (bp_session_set_weight (f.s, 0, 8, 0, 1.0f, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "no weight (8, 0)"));
  g_assert_cmpint (bp_session_set_weight (f.s, 3, 0, 0, 1.0f, err, sizeof err), ==, -1);
  g_assert_cmpint (bp_session_set_weight (f.s, 0, 0, 0, NAN, err, sizeof err), ==, -1);
  bp_session_request_snapshot (f.s);
  fx_wait (f.s);
  const bp_snapshot *sn = bp_session_snapshot (f.s, NULL);
  g_assert_nonnull (sn);
  g_assert_cmpfloat (sn->layers[0].weights[7 * 2 + 1], ==, 0.625f);
  g_assert_cmpfloat (sn->layers[2].biases[0], ==, -1.5f);

  /* with_net runs on the trainer between steps, while running too, and its changes show. */
  g_assert_cmpint (bp_session_with_net (f.s, zero_first_layer, NULL), ==, 16);
  fx_wait (f.s);
  sn = bp_session_snapshot (f.s, NULL);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat (sn->layers[0].weights[i], ==, 0.0f);
  bp_session_play (f.s);
  g_assert_cmpint (bp_session_with_net (f.s, zero_first_layer, NULL), ==, 16);
  fx_free (&f);
}

static void
test_rebuild (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, true);
  bp_session_step (f.s, 5);
  fx_wait (f.s);
  /* A wider net with another optimizer: a new run, the new shapes in the snapshot. */
  const int units[] = { 12, 1 };
  bp_spec *wide = fx_spec (2, units, 2, BP_ACT_RELU, BP_LOSS_BCE_LOGITS, BP_OPTIM_ADAM, 0.01f, 20);
  char err[256] = "";
  g_assert_cmpint (bp_session_rebuild (f.s, wide, 9, err, sizeof err), ==, 0);
  g_assert_cmpfloat (bp_session_get_hparam (f.s, BP_HPARAM_LR), ==, 0.01f);
  bp_session_step (f.s, 3);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_PAUSED);
  bp_session_status st;
  bp_session_get_status (f.s, &st);
  g_assert_cmpuint (st.run, ==, 2);
  g_assert_cmpuint (st.step, ==, 3);
  g_assert_cmpuint (st.steps_per_epoch, ==, 10); /* 200 rows at the new batch of 20 */
  const bp_snapshot *sn = bp_session_snapshot (f.s, NULL);
  g_assert_cmpint (sn->n_layers, ==, 2);
  g_assert_cmpint (sn->layers[0].out_size, ==, 12);
  g_assert_true (sn->grid.valid);
  uint64_t n;
  g_autofree bp_step_record *r = fx_steps (bp_session_metric_log (f.s), &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (r[0].lr, ==, 0.01f);
  /* The first run's log is still there. */
  g_assert_cmpuint (bp_metric_log_n_steps (bp_session_metric_log_of_run (f.s, 1)), ==, 5);
  /* A spec that does not fit the data is refused and changes nothing. */
  const int bad_units[] = { 3 };
  bp_spec *bad = fx_spec (2, bad_units, 1, BP_ACT_RELU, BP_LOSS_BCE_LOGITS, BP_OPTIM_SGD, 0.1f, 10);
  g_assert_cmpint (bp_session_rebuild (f.s, bad, 1, err, sizeof err), ==, -1);
  g_assert_nonnull (strstr (err, "gives 3 outputs"));
  g_assert_cmpuint (bp_session_run (f.s), ==, 2);
  bp_spec_free (bad);
  bp_spec_free (wide);
  fx_free (&f);
}

/* ---- divergence ---- */

static void
test_divergence (void)
{
  bp_dataset *ds = fx_plane (200, 4);
  bp_split sp = fx_split (160, 40);
  const int units[] = { 1 };
  bp_spec *spec = fx_spec (2, units, 1, BP_ACT_LINEAR, BP_LOSS_MSE, BP_OPTIM_SGD, 50.0f, 20);
  bp_session_config cfg;
  bp_session_config_defaults (&cfg, spec);
  char err[256] = "";
  bp_session *s = bp_session_new (spec, ds, &sp, NULL, &cfg, err, sizeof err);
  g_assert_nonnull (s);
  bp_session_play (s);
  g_assert_cmpint (fx_wait (s), ==, BP_SESSION_DIVERGED);
  bp_session_status st;
  bp_session_get_status (s, &st);
  g_assert_true (st.reason == BP_REASON_NONFINITE_LOSS || st.reason == BP_REASON_NONFINITE_WEIGHTS);
  g_assert_nonnull (strstr (st.message, "learning rate 50 is probably too high"));
  /* Paused within one step: the bad step is the one after the last record. */
  uint64_t n = bp_metric_log_n_steps (bp_session_metric_log (s));
  g_autofree char *want = g_strdup_printf ("step %llu:", (unsigned long long) n + 1);
  g_assert_true (g_str_has_prefix (st.message, want));
  g_assert_cmpuint (st.step, ==, n);
  g_assert_cmpuint (n, <, 200);
  /* The weights are finite: save and read them. */
  g_autofree char *dir = g_dir_make_tmp ("bp-div-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "w.safetensors", NULL);
  g_assert_cmpint (bp_session_save_weights (s, path, err, sizeof err), ==, 0);
  bp_safetensors *w = bp_safetensors_read (path, err, sizeof err);
  g_assert_nonnull (w);
  for (int i = 0; i < bp_safetensors_n_tensors (w); i++)
    {
      const bp_st_tensor *t = bp_safetensors_tensor (w, i);
      for (int64_t k = 0; k < t->dims[0] * (t->rank > 1 ? t->dims[1] : 1); k++)
        g_assert_true (isfinite (t->data[k]));
    }
  bp_safetensors_free (w);
  /* A sane rate goes on from there. */
  bp_session_set_hparam (s, BP_HPARAM_LR, 0.01, NULL, 0);
  bp_session_step (s, 10);
  g_assert_cmpint (fx_wait (s), ==, BP_SESSION_PAUSED);
  g_assert_cmpuint (bp_session_get_step (s), ==, n + 10);
  bp_session_free (s);
  g_unlink (path);
  g_rmdir (dir);
  bp_spec_free (spec);
  bp_split_free (&sp);
  bp_dataset_free (ds);
}

/* ---- the hammer ---- */

typedef struct hammer {
  bp_session *s;
  atomic_bool done;
  uint64_t records, runs_seen, snapshots;
  gboolean ok;
  char why[200];
} hammer;

static void
hammer_fail (hammer *h, const char *why)
{
  if (h->ok)
    g_strlcpy (h->why, why, sizeof h->why);
  h->ok = FALSE;
}

/* Reads every record of a run's log from *at on; checks numbering and epochs. */
static void
drain (hammer *h, const bp_metric_log *log, uint64_t *at, uint32_t *epoch)
{
  bp_step_record buf[512];
  size_t got;
  while ((got = bp_metric_log_read_steps (log, *at, buf, G_N_ELEMENTS (buf))) > 0)
    {
      for (size_t k = 0; k < got; k++)
        {
          if (buf[k].step != *at + k + 1)
            hammer_fail (h, "a step record is missing or out of order");
          if (buf[k].epoch < *epoch)
            hammer_fail (h, "epochs went backwards");
          *epoch = buf[k].epoch;
          if (!(buf[k].lr > 0))
            hammer_fail (h, "a record has no learning rate");
        }
      *at += got;
      h->records += got;
    }
}

static void *
hammer_reader (void *arg)
{
  hammer *h = arg;
  uint64_t run = 1, at = 0, last_seq = 0;
  uint32_t epoch = 0;
  for (;;)
    {
      bool finished = atomic_load (&h->done);
      drain (h, bp_session_metric_log_of_run (h->s, run), &at, &epoch);
      if (bp_session_run (h->s) > run)
        {
          /* A reset: the old log is complete once the new run exists. Finish it, move on. */
          drain (h, bp_session_metric_log_of_run (h->s, run), &at, &epoch);
          if (at != bp_metric_log_n_steps (bp_session_metric_log_of_run (h->s, run)))
            hammer_fail (h, "records of an old run were lost");
          run++;
          at = 0;
          epoch = 0;
          continue;
        }
      bool fresh;
      const bp_snapshot *sn = bp_session_snapshot (h->s, &fresh);
      if (sn != NULL && fresh)
        {
          if (sn->seq <= last_seq)
            hammer_fail (h, "snapshots went backwards");
          last_seq = sn->seq;
          h->snapshots++;
          if (sn->n_layers != 3 || sn->layers[0].out_size != 8)
            hammer_fail (h, "a snapshot is torn");
        }
      if (finished)
        break;
    }
  h->runs_seen = run;
  return NULL;
}

static void
test_hammer (void)
{
  fx f = { 0 };
  fx_blobs_session (&f, 0.1f, 10, true);
  /* Snapshot requests are frequent here: keep each cheap so training gets the time. */
  bp_snapshot_options so;
  bp_snapshot_options_defaults (&so);
  so.grid_size = 30;
  bp_session_set_snapshot_options (f.s, &so);
  hammer h = { .s = f.s, .ok = TRUE };
  atomic_init (&h.done, false);
  pthread_t reader;
  pthread_create (&reader, NULL, hammer_reader, &h);
  GRand *rand = g_rand_new_with_seed (42);
  for (int i = 0; i < 10000; i++)
    {
      int c = g_rand_int_range (rand, 0, 100);
      if (c < 25)
        bp_session_play (f.s);
      else if (c < 30)
        bp_session_pause (f.s);
      else if (c < 45)
        bp_session_step (f.s, (uint64_t) g_rand_int_range (rand, 1, 20));
      else if (c < 48)
        bp_session_step_epoch (f.s);
      else if (c < 49)
        bp_session_stop (f.s);
      else if (c < 51)
        bp_session_reset (f.s, (uint64_t) i);
      else if (c < 65)
        bp_session_set_hparam (f.s, BP_HPARAM_LR, g_rand_double_range (rand, 0.001, 0.5), NULL, 0);
      else if (c < 70)
        bp_session_set_hparam (f.s, BP_HPARAM_MOMENTUM, g_rand_double_range (rand, 0, 0.95), NULL, 0);
      else if (c < 75)
        bp_session_set_hparam (f.s, BP_HPARAM_BATCH_SIZE, g_rand_int_range (rand, 1, 64), NULL, 0);
      else if (c < 78)
        bp_session_set_hparam (f.s, BP_HPARAM_L2, g_rand_double_range (rand, 0, 0.01), NULL, 0);
      else if (c < 85)
        bp_session_set_sample_row (f.s, g_rand_int_range (rand, -1, 300));
      else if (c < 92)
        bp_session_request_snapshot (f.s);
      else if (c < 96)
        {
          bp_session_status st;
          bp_session_get_status (f.s, &st);
          g_assert_cmpint (st.state, <=, BP_SESSION_DIVERGED);
        }
      else
        g_usleep (g_rand_int_range (rand, 0, 2000));
    }
  /* However fast this machine trains, end with a run of a known length read while it is
   * written; then let the reader catch up with the last records. */
  bp_session_reset (f.s, 7);
  bp_session_set_limits (f.s, 0, 3000);
  bp_session_play (f.s);
  g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_FINISHED);
  g_assert_cmpuint (bp_session_get_step (f.s), ==, 3000);
  atomic_store (&h.done, true);
  pthread_join (reader, NULL);
  g_rand_free (rand);
  if (!h.ok)
    g_error ("hammer: %s", h.why);
  /* Every record of every run was read exactly once. */
  uint64_t total = 0, runs = bp_session_run (f.s);
  for (uint64_t r = 1; r <= runs; r++)
    total += bp_metric_log_n_steps (bp_session_metric_log_of_run (f.s, r));
  g_assert_cmpuint (h.runs_seen, ==, runs);
  g_assert_cmpuint (h.records, ==, total);
  g_assert_cmpuint (total, >=, 3000);
  g_assert_cmpuint (runs, >, 10);
  g_assert_cmpuint (h.snapshots, >, 10);
  g_test_message ("%" G_GUINT64_FORMAT " records in %" G_GUINT64_FORMAT " runs, %"
                  G_GUINT64_FORMAT " snapshots", total, runs, h.snapshots);
  fx_free (&f);
}

static void
test_free_while_running (void)
{
  for (int i = 0; i < 20; i++)
    {
      fx f = { 0 };
      fx_blobs_session (&f, 0.1f, 10, true);
      bp_session_play (f.s);
      if (i % 2)
        bp_session_reset (f.s, 3);
      g_usleep ((gulong) (i * 500));
      fx_free (&f); /* mid-step, mid-command, or mid-snapshot */
    }
}

#ifdef __linux__
/* The notify callback runs on the trainer thread: it records that thread's nice. */
static void
record_nice (void *user)
{
  int *nice = user;
  errno = 0;
  int n = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  if (errno == 0)
    *nice = n;
}

static void
test_trainer_nice (void)
{
  errno = 0;
  int mine = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  g_assert_cmpint (errno, ==, 0);
  const int asks[] = { 0, 5 };
  for (guint i = 0; i < G_N_ELEMENTS (asks); i++)
    {
      fx f = { 0 };
      volatile int seen = 100;
      fx_blobs_session (&f, 0.1f, 10, false);
      f.cfg.trainer_nice = asks[i];
      f.cfg.notify = record_nice;
      f.cfg.notify_user = (void *) &seen;
      char err[256] = "";
      f.s = bp_session_new (f.spec, f.ds, &f.split, NULL, &f.cfg, err, sizeof err);
      g_assert_nonnull (f.s);
      bp_session_step (f.s, 3);
      g_assert_cmpint (fx_wait (f.s), ==, BP_SESSION_PAUSED);
      fx_free (&f); /* joins the thread: `seen` is final */
      int expect = mine + asks[i] > 19 ? 19 : mine + asks[i];
      g_assert_cmpint (seen, ==, expect);
    }
  /* The creating thread keeps its own. */
  g_assert_cmpint (getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid)), ==, mine);
}
#endif

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/session/create-errors", test_create_errors);
  g_test_add_func ("/session/step-and-epoch", test_step_and_epoch);
  g_test_add_func ("/session/every-command", test_every_command);
  g_test_add_func ("/session/live-hparams", test_live_hparams);
  g_test_add_func ("/session/divergence", test_divergence);
  g_test_add_func ("/session/set-weight", test_set_weight);
  g_test_add_func ("/session/rebuild", test_rebuild);
  g_test_add_func ("/session/hammer", test_hammer);
  g_test_add_func ("/session/free-while-running", test_free_while_running);
#ifdef __linux__
  g_test_add_func ("/session/trainer-nice", test_trainer_nice);
#endif
  return g_test_run ();
}
