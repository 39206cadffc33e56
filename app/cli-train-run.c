/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop-train's run: start the session, report progress, stop on Ctrl+C, write the files
 * that were asked for (atomically), and pick the exit status. */
#include "app/cli-train-private.h"
#include "engine/safetensors.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The one piece of process state: set by the SIGINT handler, read by the loop below. */
static volatile sig_atomic_t interrupted;

static void
on_sigint (int sig)
{
  (void) sig;
  interrupted = 1;
  signal (SIGINT, SIG_DFL); /* a second Ctrl+C ends the process at once */
}

/* A file written under a temporary name and renamed into place when complete. */
typedef struct atomic_file {
  const char *path;
  char *tmp;
  FILE *f;
} atomic_file;

static bool
atomic_open (atomic_file *a, const char *path, FILE *err)
{
  a->path = path;
  size_t n = strlen (path) + 32;
  a->tmp = malloc (n);
  int fd = a->tmp != NULL ? bp_open_temp_beside (path, a->tmp, n) : -1;
  a->f = fd >= 0 ? fdopen (fd, "w") : NULL;
  if (a->f == NULL)
    {
      fprintf (err, "backprop-train: %s: cannot write: %s\n", path, strerror (errno));
      if (fd >= 0)
        close (fd);
      free (a->tmp);
      a->tmp = NULL;
      return false;
    }
  return true;
}

static bool
atomic_commit (atomic_file *a, FILE *err)
{
  bool ok = fflush (a->f) == 0 && !ferror (a->f) && fsync (fileno (a->f)) == 0;
  int saved = errno;
  ok = fclose (a->f) == 0 && ok;
  if (ok && rename (a->tmp, a->path) != 0)
    {
      ok = false;
      saved = errno;
    }
  if (!ok)
    {
      unlink (a->tmp);
      fprintf (err, "backprop-train: %s: cannot write: %s\n", a->path, strerror (saved));
    }
  free (a->tmp);
  return ok;
}

/* A duration as a person reads it: never "0.0 s" for a run that took time. */
static void
format_seconds (double s, char *buf, size_t len)
{
  if (!(s >= 0))
    snprintf (buf, len, "? s");
  else if (s < 0.001)
    snprintf (buf, len, "< 1 ms");
  else if (s < 1)
    snprintf (buf, len, "%.0f ms", s * 1000);
  else if (s < 100)
    snprintf (buf, len, "%.1f s", s);
  else
    snprintf (buf, len, "%.0f s", s);
}

/* A throughput with two or three significant digits; "--" when there is no figure yet (the
 * session measures over a quarter second, which a short run may not reach). */
static void
format_rate (double r, char *buf, size_t len)
{
  if (!(r > 0) || isinf (r))
    snprintf (buf, len, "--");
  else if (r >= 100)
    snprintf (buf, len, "%.0f", r);
  else if (r >= 10)
    snprintf (buf, len, "%.1f", r);
  else
    snprintf (buf, len, "%.2g", r);
}

/* The shortest decimal that reads back as the same float: 0.01, not 0.00999999978, yet
 * lossless. Starting at 6 digits is enough: a float's spacing is finer than 1e-6 of its value,
 * so when fewer digits would do, %.6g already rounds to them (and drops the zeros after). */
static int
put_float (FILE *f, float v)
{
  char buf[32];
  for (int digits = 6; digits <= 9; digits++)
    {
      snprintf (buf, sizeof buf, "%.*g", digits, (double) v);
      if (strtof (buf, NULL) == v)
        break;
    }
  return fputs (buf, f);
}

/* Steps [from, what the log holds now) as CSV rows "step,epoch,time,loss,acc,lr" (acc empty
 * for regression): not the steps the trainer adds meanwhile, or a fast run would keep this
 * loop going. Returns the number written, or -1 on a write error. */
static long
write_steps_csv (const bp_metric_log *log, FILE *f, uint64_t from)
{
  const uint64_t to = bp_metric_log_n_steps (log);
  bp_step_record r[64];
  long written = 0;
  size_t n;
  while (from < to
         && (n = bp_metric_log_read_steps (log, from, r, to - from < 64 ? to - from : 64)) > 0)
    {
      for (size_t i = 0; i < n; i++)
        {
          fprintf (f, "%llu,%u,%.6f,", (unsigned long long) r[i].step, r[i].epoch, r[i].time);
          put_float (f, r[i].loss);
          fputc (',', f);
          if (!isnan (r[i].acc))
            put_float (f, r[i].acc);
          fputc (',', f);
          put_float (f, r[i].lr);
          if (fputc ('\n', f) == EOF)
            return -1;
        }
      written += (long) n;
      from += n;
    }
  return ferror (f) ? -1 : written;
}

static void
format_eta (double s, char *buf, size_t len)
{
  if (!(s >= 0) || s > 360000)
    snprintf (buf, len, "--:--");
  else if (s >= 3600)
    snprintf (buf, len, "%d:%02d:%02d", (int) s / 3600, (int) s / 60 % 60, (int) s % 60);
  else
    snprintf (buf, len, "%d:%02d", (int) s / 60, (int) s % 60);
}

static void
print_epoch (FILE *out, const bp_epoch_record *e, long max_epochs, bool regression)
{
  char of[32] = "";
  if (max_epochs > 0)
    snprintf (of, sizeof of, "/%ld", max_epochs);
  fprintf (out, "epoch %u%s  loss %.4f", e->epoch, of, e->train_loss);
  if (!regression)
    fprintf (out, "  acc %.4f", e->train_acc);
  if (!isnan (e->val_loss))
    {
      fprintf (out, "  val_loss %.4f", e->val_loss);
      if (regression)
        fprintf (out, "  val_mae %.4f  val_r2 %.4f", e->val_mae, e->val_r2);
      else
        fprintf (out, "  val_acc %.4f", e->val_acc);
    }
  char rate[32];
  format_rate (e->samples_per_s, rate, sizeof rate);
  fprintf (out, "  %s samples/s\n", rate);
}

/* A run that stops inside an epoch (--steps, Ctrl+C) has no epoch line for its last steps: say
 * what they reached in the same fields, the train figures being the mean over the unfinished
 * epoch's batches (all whole) and the validation ones an eval-mode pass like an epoch's. */
static void
print_unfinished_epoch (FILE *out, bp_session *s, const bp_session_status *st,
                        const bp_split *split, long max_epochs, bool regression)
{
  const bp_metric_log *log = bp_session_metric_log (s);
  uint64_t from = st->step - st->epoch_step;
  double loss = 0, acc = 0;
  uint64_t n = 0;
  bp_step_record r[64];
  size_t k;

  while (from < st->step
         && (k = bp_metric_log_read_steps (log, from, r, st->step - from < 64 ? st->step - from
                                                                               : 64)) > 0)
    {
      for (size_t i = 0; i < k; i++)
        {
          loss += r[i].loss;
          acc += r[i].acc;
        }
      n += k;
      from += k;
    }
  if (n == 0)
    return;
  char of[32] = "";
  if (max_epochs > 0)
    snprintf (of, sizeof of, "/%ld", max_epochs);
  fprintf (out, "epoch %u%s (%llu of %llu steps)  loss %.4f", st->epoch + 1, of,
           (unsigned long long) st->epoch_step, (unsigned long long) st->steps_per_epoch,
           loss / (double) n);
  if (!regression)
    fprintf (out, "  acc %.4f", acc / (double) n);
  double val_loss, val_acc;
  char msg[256];
  if (split->n_val > 0
      && bp_session_evaluate (s, split->val, split->n_val, &val_loss, &val_acc, msg, sizeof msg)
           == 0)
    {
      fprintf (out, "  val_loss %.4f", val_loss);
      if (!regression)
        fprintf (out, "  val_acc %.4f", val_acc);
    }
  fprintf (out, "\n");
}

/* One line, redrawn in place: epoch, bar, loss, accuracy, samples/s, ETA. */
static void
draw_bar (FILE *out, const bp_session_status *st, const bp_session_config *cfg, float acc)
{
  uint64_t total = cfg->max_steps > 0 ? cfg->max_steps
                   : cfg->max_epochs > 0 ? (uint64_t) cfg->max_epochs * st->steps_per_epoch
                                         : 0;
  double frac = total > 0 ? (double) st->step / (double) total
                          : st->steps_per_epoch > 0 ? (double) st->epoch_step / st->steps_per_epoch
                                                    : 0;
  frac = frac > 1 ? 1 : frac;
  char bar[25];
  int fill = (int) (frac * 24);
  for (int i = 0; i < 24; i++)
    bar[i] = i < fill ? '#' : '.';
  bar[24] = '\0';
  char eta[32];
  format_eta (total > 0 && st->steps_per_s > 0 ? (double) (total - st->step) / st->steps_per_s
                                               : NAN, eta, sizeof eta);
  char of[32] = "";
  if (cfg->max_epochs > 0)
    snprintf (of, sizeof of, "/%ld", cfg->max_epochs);
  fprintf (out, "\r\033[Kepoch %u%s [%s] %3.0f%%  loss %.4f", st->epoch + 1, of, bar, frac * 100,
           (double) st->loss);
  if (!isnan (acc))
    fprintf (out, "  acc %.3f", (double) acc);
  char rate[32];
  format_rate (st->samples_per_s, rate, sizeof rate);
  fprintf (out, "  %s samples/s  ETA %s", rate, eta);
  fflush (out);
}

int
bp_cli_train (const bp_cli_train_options *o, bp_cli_data_options *data, FILE *out, FILE *err)
{
  cli_plan p = { 0 };
  int status = bp_cli_plan_make (&p, o, data, err);
  if (status != 0)
    {
      bp_cli_plan_free (&p);
      return status;
    }
  bp_session_config cfg;
  bp_cli_plan_config (&p, o, &cfg);
  char msg[512] = "";
  bp_session *s = bp_session_new (p.spec, p.ds, p.split, p.scaler, &cfg, msg, sizeof msg);
  if (s == NULL)
    {
      fprintf (err, "backprop-train: %s\n", msg);
      bp_cli_plan_free (&p);
      return BP_EXIT_USAGE;
    }
  if ((status = bp_cli_plan_apply_weights (&p, s, err)) != 0)
    {
      bp_session_free (s);
      bp_cli_plan_free (&p);
      return status;
    }
  atomic_file csv = { 0 };
  if (o->metrics_csv != NULL)
    {
      if (!atomic_open (&csv, o->metrics_csv, err))
        {
          bp_session_free (s);
          bp_cli_plan_free (&p);
          return BP_EXIT_FAILURE;
        }
      fprintf (csv.f, "step,epoch,time,loss,acc,lr\n");
    }

  bool tty = !o->quiet && isatty (fileno (out));
  bool regression = p.ds->task == BP_TASK_REGRESSION;
  if (!o->quiet)
    fprintf (out, "training on %s: %u rows, %u for validation, %u for test; %zu parameters\n",
             p.ds->name ? p.ds->name : data->source, p.split->n_train, p.split->n_val,
             p.split->n_test, bp_spec_param_count (p.spec));
  interrupted = 0;
  struct sigaction sa = { .sa_handler = on_sigint }, old_sa;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, &old_sa);

  const bp_metric_log *log = bp_session_metric_log (s);
  uint64_t csv_at = 0, epochs_seen = 0;
  bool stopping = false, csv_ok = true;
  double last_line_t = -1e9;
  bp_session_play (s);
  for (;;)
    {
      bp_session_state state = bp_session_wait (s, tty ? 0.1 : 0.25);
      if (interrupted && !stopping)
        {
          bp_session_stop (s);
          stopping = true;
        }
      if (csv.f != NULL && csv_ok)
        {
          long k = write_steps_csv (log, csv.f, csv_at);
          csv_ok = k >= 0;
          csv_at += k > 0 ? (uint64_t) k : 0;
        }
      /* One line per epoch; on a terminal at most one a second (the bar shows the rest),
       * and the last one. */
      bp_epoch_record e;
      while (bp_metric_log_read_epochs (log, epochs_seen, &e, 1) == 1)
        {
          epochs_seen++;
          bool last = cfg.max_epochs > 0 && e.epoch == (uint32_t) cfg.max_epochs;
          if (o->quiet || (tty && !last && e.time - last_line_t < 1.0))
            continue;
          if (tty)
            fprintf (out, "\r\033[K");
          print_epoch (out, &e, cfg.max_epochs, regression);
          last_line_t = e.time;
        }
      bp_session_status st;
      bp_session_get_status (s, &st);
      if (state != BP_SESSION_RUNNING && !(stopping && st.state == BP_SESSION_RUNNING))
        break;
      if (tty)
        {
          bp_step_record last;
          float acc = NAN;
          if (st.step > 0 && bp_metric_log_read_steps (log, st.step - 1, &last, 1) == 1)
            acc = last.acc;
          draw_bar (out, &st, &cfg, acc);
        }
    }
  sigaction (SIGINT, &old_sa, NULL);
  if (tty)
    fprintf (out, "\r\033[K");

  bp_session_status st;
  bp_session_get_status (s, &st);
  int rc = interrupted ? BP_EXIT_INTERRUPTED : BP_EXIT_OK;
  if (st.state == BP_SESSION_DIVERGED || st.reason == BP_REASON_LOG_FULL
      || st.reason == BP_REASON_ERROR)
    {
      fprintf (err, "backprop-train: %s\n", st.message);
      rc = BP_EXIT_FAILURE;
    }
  else if (!o->quiet)
    {
      if (st.epoch_step > 0)
        print_unfinished_epoch (out, s, &st, p.split, cfg.max_epochs, regression);
      if (st.message[0] != '\0')
        fprintf (out, "%s\n", st.message);
      /* Every epoch trains on each training row once; the steps of an unfinished epoch are
       * whole batches. */
      double samples = (double) st.epoch * p.split->n_train
                       + (double) st.epoch_step * cfg.batch_size;
      char took[32], rate[32];
      format_seconds (st.time, took, sizeof took);
      format_rate (st.time > 0 ? samples / st.time : 0, rate, sizeof rate);
      fprintf (out, "%s after %llu step%s (%u epoch%s) in %s, %s samples/s\n",
               interrupted ? "interrupted" : "finished", (unsigned long long) st.step,
               st.step == 1 ? "" : "s", st.epoch, st.epoch == 1 ? "" : "s", took, rate);
    }
  if (p.split->n_test > 0 && rc == BP_EXIT_OK)
    {
      double loss, acc;
      if (bp_session_evaluate (s, p.split->test, p.split->n_test, &loss, &acc, msg, sizeof msg)
            == 0
          && !o->quiet)
        fprintf (out, regression ? "test: loss %.4f\n" : "test: loss %.4f  acc %.4f\n", loss,
                 acc);
    }
  if (o->save_weights != NULL
      && bp_session_save_weights (s, o->save_weights, msg, sizeof msg) != 0)
    {
      fprintf (err, "backprop-train: %s\n", msg);
      rc = rc == BP_EXIT_OK ? BP_EXIT_FAILURE : rc;
    }
  if (csv.f != NULL)
    {
      if (csv_ok)
        {
          long k = write_steps_csv (log, csv.f, csv_at);
          csv_ok = k >= 0;
        }
      if (!atomic_commit (&csv, err) || !csv_ok)
        rc = rc == BP_EXIT_OK ? BP_EXIT_FAILURE : rc;
    }
  bp_session_free (s);
  bp_cli_plan_free (&p);
  if (fflush (out) != 0 && rc == BP_EXIT_OK)
    rc = BP_EXIT_FAILURE;
  return rc;
}
