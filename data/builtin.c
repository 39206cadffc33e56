/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Built-in datasets by name. */
#include "data/builtin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data/builtin_blobs.h"
#include "data/csv.h"
#include "data/idx.h"
#include "data/internal.h"
#include "data/synth.h"

static const bp_builtin_info infos[] = {
  { "iris", "Iris plants: 150 rows, 4 features, 3 classes (Fisher 1936)" },
  { "wine", "Wine recognition: 178 rows, 13 features, 3 classes (UCI)" },
  { "breast-cancer", "Breast Cancer Wisconsin (diagnostic): 569 rows, 30 features, 2 classes" },
  { "digits", "Handwritten digits: 1797 8x8 images, 10 classes (UCI)" },
  { "fashion-mnist", "Fashion-MNIST training set: 60000 28x28 images, 10 classes" },
  { "fashion-mnist-test", "Fashion-MNIST test set: 10000 28x28 images, 10 classes" },
  { "circle", "synthetic: a disc inside a ring, 2 classes (Playground)" },
  { "xor", "synthetic: the four quadrants, 2 classes (Playground)" },
  { "gauss", "synthetic: two gaussian clouds, 2 classes (Playground)" },
  { "spiral", "synthetic: two interleaved spirals, 2 classes (Playground)" },
  { "reg-plane", "synthetic regression: a tilted plane (Playground)" },
  { "reg-gauss", "synthetic regression: six gaussian bumps (Playground)" },
  { "moons", "synthetic: two interleaved half circles, 2 classes" },
  { "blobs", "synthetic: k gaussian blobs, k classes (k=3)" },
  { "spirals", "synthetic: a spiral with k arms, k classes (k=3)" },
};

/* The tables: built-in name, embedded file, title, label column. */
static const struct {
  const char *name, *blob, *title;
  bool digits;
} tables[] = {
  { "iris", "iris", "Iris plants (R. A. Fisher, 1936)", false },
  { "wine", "wine", "Wine recognition (UCI)", false },
  { "breast-cancer", "breast_cancer", "Breast Cancer Wisconsin, diagnostic (UCI)", false },
  { "digits", "digits", "Optical recognition of handwritten digits, 8x8 (UCI)", true },
};

static const char *const fashion_classes[10] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
};

const bp_builtin_info *
bp_builtin_list (size_t *n)
{
  *n = sizeof infos / sizeof infos[0];
  return infos;
}

/* The name part of a spec into buf. */
static void
spec_name (const char *spec, char *buf, size_t len)
{
  size_t n = strcspn (spec, ":");
  snprintf (buf, len, "%.*s", (int) (n < len ? n : len - 1), spec);
}

bool
bp_builtin_exists (const char *spec)
{
  char name[64];
  spec_name (spec, name, sizeof name);
  for (size_t i = 0; i < sizeof infos / sizeof infos[0]; i++)
    if (strcmp (infos[i].name, name) == 0)
      return true;
  return false;
}

/* The 8x8 digits are whole numbers 0..16: keep them as bytes, as images in [0, 1]. */
static int
digits_to_images (bp_dataset **io, char *err, size_t errlen)
{
  bp_dataset *f = *io;
  bp_dataset *u = bp_dataset_new (f->n_rows, f->n_features, BP_FEATURES_U8, f->task,
                                  f->n_classes, err, errlen);
  if (u == NULL)
    return -1;
  int rc = bp_dataset_set_text (u, f->name, f->source);
  for (int j = 0; j < f->n_features; j++)
    rc |= bp_dataset_set_feature_name (u, j, f->feature_names[j]);
  for (int c = 0; c < f->n_classes; c++)
    rc |= bp_dataset_set_class_name (u, c, f->class_names[c]);
  for (size_t i = 0; i < f->n_rows * (size_t) f->n_features; i++)
    u->x_u8[i] = (uint8_t) f->x_f32[i];
  memcpy (u->labels, f->labels, f->n_rows * sizeof *f->labels);
  u->u8_scale = 1.0f / 16.0f;
  u->image_channels = 1;
  u->image_height = u->image_width = 8;
  if (rc != 0)
    {
      bp_dataset_free (u);
      bp_data_err (err, errlen, "out of memory");
      return -1;
    }
  bp_dataset_free (f);
  *io = u;
  return 0;
}

static bp_dataset *
load_table (int t, char *err, size_t errlen)
{
  const bp_builtin_blob *b = bp_builtin_blobs;
  while (b->name != NULL && strcmp (b->name, tables[t].blob) != 0)
    b++;
  if (b->name == NULL)
    {
      bp_data_err (err, errlen, "%s: not compiled in", tables[t].name);
      return NULL;
    }
  bp_dataset *ds = bp_csv_load_buffer ((const char *) b->data, b->length, tables[t].name, NULL,
                                       NULL, err, errlen);
  if (ds == NULL)
    return NULL;
  char source[160];
  snprintf (source, sizeof source, "built-in: %s, scikit-learn's copy", tables[t].title);
  if (bp_dataset_set_text (ds, tables[t].name, source) != 0)
    {
      bp_dataset_free (ds);
      bp_data_err (err, errlen, "out of memory");
      return NULL;
    }
  if (tables[t].digits && digits_to_images (&ds, err, errlen) != 0)
    {
      bp_dataset_free (ds);
      return NULL;
    }
  return ds;
}

bp_dataset *
bp_builtin_fashion_mnist (const char *dir, bool test, char *err, size_t errlen)
{
  if (dir == NULL)
    dir = BP_FASHION_MNIST_DIR;
  const char *part = test ? "t10k" : "train";
  char images[4096], labels[4096];
  snprintf (images, sizeof images, "%s/%s-images-idx3-ubyte.gz", dir, part);
  snprintf (labels, sizeof labels, "%s/%s-labels-idx1-ubyte.gz", dir, part);
  for (int i = 0; i < 2; i++)
    {
      const char *p = i ? labels : images;
      if (access (p, R_OK) != 0)
        {
          bp_data_err (err, errlen, "%s: %s: Fashion-MNIST is not installed; install Debian's "
                       "dataset-fashion-mnist package (sudo apt install dataset-fashion-mnist)",
                       p, strerror (errno));
          return NULL;
        }
    }
  bp_dataset *ds = bp_idx_load_pair (images, labels, err, errlen);
  if (ds == NULL)
    return NULL;
  if (ds->task != BP_TASK_CLASSIFICATION || ds->n_classes != 10 || ds->image_width != 28)
    {
      bp_data_err (err, errlen, "%s: not Fashion-MNIST (expected 28x28 images, 10 classes)",
                   images);
      bp_dataset_free (ds);
      return NULL;
    }
  char source[4200];
  snprintf (source, sizeof source, "built-in: Fashion-MNIST (Zalando Research), %s", dir);
  int rc = bp_dataset_set_text (ds, test ? "fashion-mnist-test" : "fashion-mnist", source);
  for (int c = 0; c < 10; c++)
    rc |= bp_dataset_set_class_name (ds, c, fashion_classes[c]);
  for (int j = 0; j < ds->n_features; j++)
    {
      char name[32];
      snprintf (name, sizeof name, "pixel_%d_%d", j / 28, j % 28);
      rc |= bp_dataset_set_feature_name (ds, j, name);
    }
  if (rc != 0)
    {
      bp_dataset_free (ds);
      bp_data_err (err, errlen, "out of memory");
      return NULL;
    }
  return ds;
}

/* "n=500,noise=0.1,seed=1,k=3" into p. */
static int
parse_params (const char *name, const char *s, bp_synth_params *p, char *err, size_t errlen)
{
  while (s != NULL && *s != '\0')
    {
      size_t len = strcspn (s, ",");
      char item[64];
      snprintf (item, sizeof item, "%.*s", (int) (len < sizeof item ? len : sizeof item - 1), s);
      char key[64];
      memcpy (key, item, sizeof key);
      char *eq = strchr (key, '='), *end = NULL;
      if (eq == NULL)
        goto bad;
      *eq = '\0';
      const char *val = eq + 1;
      errno = 0;
      if (strcmp (key, "n") == 0 || strcmp (key, "seed") == 0 || strcmp (key, "k") == 0)
        {
          if (*val == '-')
            goto bad;
          unsigned long long v = strtoull (val, &end, 10);
          if (end == val || *end != '\0' || errno != 0)
            goto bad;
          if (key[0] == 'n')
            p->n = v > BP_SYNTH_MAX_POINTS ? (size_t) BP_SYNTH_MAX_POINTS + 1 : (size_t) v;
          else if (key[0] == 's')
            p->seed = v;
          else
            p->k = v > 1000 ? 1000 : (int) v;
        }
      else if (strcmp (key, "noise") == 0)
        {
          double v = bp_data_strtod_c (val, &end);
          if (end == val || (*end != '\0' && strcmp (end, "%") != 0))
            goto bad;
          p->noise = *end == '%' ? v / 100.0 : v;
        }
      else
        goto bad;
      s += len;
      if (*s == ',')
        s++;
      continue;
    bad:
      bp_data_err (err, errlen, "%s: bad parameter '%s' (use n=POINTS, noise=0-0.5 or 0-50%%, "
                   "seed=N, k=CLASSES)", name, item);
      return -1;
    }
  return 0;
}

bp_dataset *
bp_builtin_load (const char *spec, char *err, size_t errlen)
{
  char name[64];
  spec_name (spec, name, sizeof name);
  const char *params = strchr (spec, ':');
  for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
    if (strcmp (name, tables[t].name) == 0)
      {
        if (params != NULL)
          {
            bp_data_err (err, errlen, "%s: takes no parameters", name);
            return NULL;
          }
        return load_table ((int) t, err, errlen);
      }
  if (strcmp (name, "fashion-mnist") == 0 || strcmp (name, "fashion-mnist-test") == 0)
    {
      if (params != NULL)
        {
          bp_data_err (err, errlen, "%s: takes no parameters", name);
          return NULL;
        }
      return bp_builtin_fashion_mnist (NULL, strcmp (name, "fashion-mnist-test") == 0, err,
                                       errlen);
    }
  int kind = bp_synth_kind_from_name (name);
  if (kind < 0)
    {
      bp_data_err (err, errlen, "%s: no such built-in dataset", name);
      return NULL;
    }
  bp_synth_params p = {
    .kind = kind,
    .n = kind == BP_SYNTH_REG_PLANE || kind == BP_SYNTH_REG_GAUSS ? 1200 : 500,
    .noise = 0.0,
    .seed = 1,
    .k = 3,
  };
  if (parse_params (name, params ? params + 1 : NULL, &p, err, errlen) != 0)
    return NULL;
  return bp_synth_generate (&p, err, errlen);
}
