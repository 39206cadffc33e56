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
  fprintf (out, "  %.0f samples/s\n", e->samples_per_s);
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
  fprintf (out, "  %.0f samples/s  ETA %s", st->samples_per_s, eta);
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
          long k = bp_metric_log_write_steps_csv (log, csv.f, csv_at, UINT64_MAX);
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
      if (st.message[0] != '\0')
        fprintf (out, "%s\n", st.message);
      fprintf (out, "%s after %llu steps (%u epochs) in %.1f s\n",
               interrupted ? "interrupted" : "finished", (unsigned long long) st.step, st.epoch,
               st.time);
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
          long k = bp_metric_log_write_steps_csv (log, csv.f, csv_at, UINT64_MAX);
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
