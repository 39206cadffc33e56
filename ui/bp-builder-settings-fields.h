/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table behind the builder's settings panel (bp-builder-settings.c): one entry per number
 * or switch, with where the value lives and when it applies. */
#pragma once

#include <glib.h>

#include "bp-builder-settings.h"

G_BEGIN_DECLS

typedef enum { BP_FIELD_SPEC, BP_FIELD_DATA, BP_FIELD_TRAIN } BpFieldStruct;
typedef enum {
  BP_FIELD_F32,
  BP_FIELD_F64,
  BP_FIELD_INT,
  BP_FIELD_LONG,
  BP_FIELD_U64,
  BP_FIELD_BOOL
} BpFieldType;

enum {
  F_HUBER = 1 << 0,
  F_SYNTH = 1 << 1,
  F_SYNTH_K = 1 << 2,
  F_EARLY = 1 << 3,
  F_PLATEAU = 1 << 4,
  F_SCHED_NOT_CONST = 1 << 5,
};

#define OPT(k) (1u << (k))
#define SCHED(k) (1u << (k))

typedef struct {
  const char *title, *range;
  BpFieldStruct where;
  size_t offset;
  BpFieldType type;
  double min, max, step;
  int digits;
  unsigned optim_mask; /* 0: any optimizer */
  unsigned sched_mask; /* 0: any schedule */
  unsigned flags;
} BpSettingsField;

#define BP_SETTINGS_N_FIELDS 41
extern const BpSettingsField bp_settings_fields[BP_SETTINGS_N_FIELDS];

double bp_settings_field_get (const BpSettingsField *f, BpSpecSettings *spec, bp_experiment *exp);
void bp_settings_field_set (const BpSettingsField *f, BpSpecSettings *spec, bp_experiment *exp,
                            double v);
gboolean bp_settings_field_applies (const BpSettingsField *f, const BpSpecSettings *spec,
                                    const bp_experiment *exp);
/* A synthetic built-in ("spiral", "blobs:k=4"); *has_k when it takes a class count. */
gboolean bp_settings_source_is_synthetic (const char *source, gboolean *has_k);

G_END_DECLS
