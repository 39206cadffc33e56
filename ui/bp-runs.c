/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-config.h"

#include "bp-runs.h"

#include <math.h>
#include <stdio.h>

struct _BpRun {
  GObject parent_instance;

  guint id;
  char *name;
  guint color_index;
  gboolean visible;
  char *state;
  BpRunInfo info;

  GArray *steps;  /* bp_step_record */
  GArray *epochs; /* bp_epoch_record */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_VISIBLE,
  PROP_STATE,
  PROP_DATASET,
  PROP_MODEL,
  PROP_OPTIMIZER,
  PROP_LR,
  PROP_BATCH_SIZE,
  PROP_PARAMS,
  PROP_EPOCHS,
  PROP_STEPS,
  PROP_TRAIN_LOSS,
  PROP_VAL_LOSS,
  PROP_VAL_ACC,
  PROP_TIME,
  PROP_SAMPLES_PER_SECOND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (BpRun, bp_run, G_TYPE_OBJECT)

static const bp_epoch_record *
last_epoch (BpRun *self)
{
  return self->epochs->len > 0
           ? &g_array_index (self->epochs, bp_epoch_record, self->epochs->len - 1)
           : NULL;
}

/* The last epoch's throughput; before the first epoch ends, the run's so far. */
static double
samples_per_second (BpRun *self)
{
  const bp_epoch_record *e = last_epoch (self);
  double t;

  if (e != NULL)
    return e->samples_per_s;
  t = bp_run_get_time (self);
  return t > 0 && self->info.batch_size > 0 ? self->steps->len * (double) self->info.batch_size / t
                                             : NAN;
}

static void
bp_run_finalize (GObject *object)
{
  BpRun *self = BP_RUN (object);

  g_free (self->name);
  g_free (self->state);
  g_free (self->info.dataset);
  g_free (self->info.model);
  g_free (self->info.optimizer);
  g_array_unref (self->steps);
  g_array_unref (self->epochs);
  G_OBJECT_CLASS (bp_run_parent_class)->finalize (object);
}

static void
bp_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  BpRun *self = BP_RUN (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_uint (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_VISIBLE: g_value_set_boolean (value, self->visible); break;
    case PROP_STATE: g_value_set_string (value, self->state); break;
    case PROP_DATASET: g_value_set_string (value, self->info.dataset); break;
    case PROP_MODEL: g_value_set_string (value, self->info.model); break;
    case PROP_OPTIMIZER: g_value_set_string (value, self->info.optimizer); break;
    case PROP_LR: g_value_set_double (value, self->info.lr); break;
    case PROP_BATCH_SIZE: g_value_set_int (value, self->info.batch_size); break;
    case PROP_PARAMS: g_value_set_int64 (value, self->info.params); break;
    case PROP_EPOCHS: g_value_set_uint (value, self->epochs->len); break;
    case PROP_STEPS: g_value_set_uint64 (value, self->steps->len); break;
    case PROP_TRAIN_LOSS: g_value_set_double (value, bp_run_get_train_loss (self)); break;
    case PROP_VAL_LOSS: g_value_set_double (value, bp_run_get_val_loss (self)); break;
    case PROP_VAL_ACC: g_value_set_double (value, bp_run_get_val_acc (self)); break;
    case PROP_TIME: g_value_set_double (value, bp_run_get_time (self)); break;
    case PROP_SAMPLES_PER_SECOND: g_value_set_double (value, samples_per_second (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_run_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  BpRun *self = BP_RUN (object);

  switch (prop_id)
    {
    case PROP_NAME: bp_run_set_name (self, g_value_get_string (value)); break;
    case PROP_VISIBLE: bp_run_set_visible (self, g_value_get_boolean (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
ro_double (const char *name)
{
  return g_param_spec_double (name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
ro_string (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static void
bp_run_class_init (BpRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bp_run_finalize;
  object_class->get_property = bp_run_get_property;
  object_class->set_property = bp_run_set_property;

  properties[PROP_ID] = g_param_spec_uint ("id", NULL, NULL, 0, G_MAXUINT, 0,
                                           G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] = ro_string ("state");
  properties[PROP_DATASET] = ro_string ("dataset");
  properties[PROP_MODEL] = ro_string ("model");
  properties[PROP_OPTIMIZER] = ro_string ("optimizer");
  properties[PROP_LR] = ro_double ("lr");
  properties[PROP_BATCH_SIZE] = g_param_spec_int ("batch-size", NULL, NULL, 0, G_MAXINT, 0,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PARAMS] = g_param_spec_int64 ("params", NULL, NULL, 0, G_MAXINT64, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_EPOCHS] = g_param_spec_uint ("epochs", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STEPS] = g_param_spec_uint64 ("steps", NULL, NULL, 0, G_MAXUINT64, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRAIN_LOSS] = ro_double ("train-loss");
  properties[PROP_VAL_LOSS] = ro_double ("val-loss");
  properties[PROP_VAL_ACC] = ro_double ("val-acc");
  properties[PROP_TIME] = ro_double ("time");
  properties[PROP_SAMPLES_PER_SECOND] = ro_double ("samples-per-second");
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_run_init (BpRun *self)
{
  self->visible = TRUE;
  self->state = g_strdup ("paused");
  self->steps = g_array_new (FALSE, FALSE, sizeof (bp_step_record));
  self->epochs = g_array_new (FALSE, FALSE, sizeof (bp_epoch_record));
}

BpRun *
bp_run_new (guint id, const char *name, const BpRunInfo *info)
{
  BpRun *self = g_object_new (BP_TYPE_RUN, NULL);

  g_return_val_if_fail (info != NULL, self);

  self->id = id;
  self->name = g_strdup (name);
  self->info = *info;
  self->info.dataset = g_strdup (info->dataset);
  self->info.model = g_strdup (info->model);
  self->info.optimizer = g_strdup (info->optimizer);
  return self;
}

guint
bp_run_get_id (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), 0);
  return self->id;
}

const char *
bp_run_get_name (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), NULL);
  return self->name;
}

void
bp_run_set_name (BpRun *self, const char *name)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (name != NULL ? name : ""));

  g_return_if_fail (BP_IS_RUN (self));

  /* A run always has a name to tell it by: a blank one is refused (the table shows the name
   * kept when its editing ends), and spaces around a name are not part of it. */
  if (trimmed[0] == '\0' || g_strcmp0 (self->name, trimmed) == 0)
    return;
  g_free (self->name);
  self->name = g_steal_pointer (&trimmed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

guint
bp_run_get_color_index (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), 0);
  return self->color_index;
}

void
bp_run_set_color_index (BpRun *self, guint index)
{
  g_return_if_fail (BP_IS_RUN (self));
  self->color_index = index;
}

gboolean
bp_run_get_visible (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), FALSE);
  return self->visible;
}

void
bp_run_set_visible (BpRun *self, gboolean visible)
{
  g_return_if_fail (BP_IS_RUN (self));

  if (self->visible == !!visible)
    return;
  self->visible = !!visible;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
}

const BpRunInfo *
bp_run_get_info (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), NULL);
  return &self->info;
}

const char *
bp_run_get_state (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), NULL);
  return self->state;
}

void
bp_run_set_state (BpRun *self, const char *state)
{
  g_return_if_fail (BP_IS_RUN (self));

  if (g_strcmp0 (self->state, state) == 0)
    return;
  g_free (self->state);
  self->state = g_strdup (state);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
bp_run_append_steps (BpRun *self, const bp_step_record *recs, gsize n)
{
  g_return_if_fail (BP_IS_RUN (self));

  if (n == 0)
    return;
  g_array_append_vals (self->steps, recs, (guint) n);
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STEPS]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME]);
  if (self->epochs->len == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLES_PER_SECOND]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
bp_run_append_epochs (BpRun *self, const bp_epoch_record *recs, gsize n)
{
  GObject *object = G_OBJECT (self);

  g_return_if_fail (BP_IS_RUN (self));

  if (n == 0)
    return;
  g_array_append_vals (self->epochs, recs, (guint) n);
  g_object_freeze_notify (object);
  g_object_notify_by_pspec (object, properties[PROP_EPOCHS]);
  g_object_notify_by_pspec (object, properties[PROP_TRAIN_LOSS]);
  g_object_notify_by_pspec (object, properties[PROP_VAL_LOSS]);
  g_object_notify_by_pspec (object, properties[PROP_VAL_ACC]);
  g_object_notify_by_pspec (object, properties[PROP_TIME]);
  g_object_notify_by_pspec (object, properties[PROP_SAMPLES_PER_SECOND]);
  g_object_thaw_notify (object);
}

gsize
bp_run_get_n_steps (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), 0);
  return self->steps->len;
}

const bp_step_record *
bp_run_get_steps (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), NULL);
  return (const bp_step_record *) (gpointer) self->steps->data;
}

gsize
bp_run_get_n_epochs (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), 0);
  return self->epochs->len;
}

const bp_epoch_record *
bp_run_get_epochs (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), NULL);
  return (const bp_epoch_record *) (gpointer) self->epochs->data;
}

double
bp_run_get_train_loss (BpRun *self)
{
  const bp_epoch_record *e;

  g_return_val_if_fail (BP_IS_RUN (self), NAN);
  e = last_epoch (self);
  return e != NULL ? e->train_loss : NAN;
}

double
bp_run_get_val_loss (BpRun *self)
{
  const bp_epoch_record *e;

  g_return_val_if_fail (BP_IS_RUN (self), NAN);
  e = last_epoch (self);
  return e != NULL ? e->val_loss : NAN;
}

double
bp_run_get_val_acc (BpRun *self)
{
  const bp_epoch_record *e;

  g_return_val_if_fail (BP_IS_RUN (self), NAN);
  e = last_epoch (self);
  return e != NULL ? e->val_acc : NAN;
}

double
bp_run_get_time (BpRun *self)
{
  g_return_val_if_fail (BP_IS_RUN (self), 0);
  if (self->steps->len == 0)
    return 0;
  return g_array_index (self->steps, bp_step_record, self->steps->len - 1).time;
}

gboolean
bp_run_write_csv (BpRun *self, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new ("step,epoch,time,loss,acc,lr\n");

  g_return_val_if_fail (BP_IS_RUN (self), FALSE);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const bp_step_record *r = &g_array_index (self->steps, bp_step_record, i);

      g_string_append_printf (out, "%" G_GUINT64_FORMAT ",%u,%.6f,%.9g,%.9g,%.9g\n", r->step,
                              r->epoch, r->time, (double) r->loss, (double) r->acc,
                              (double) r->lr);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}
