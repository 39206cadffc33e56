/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Experiment files: reading (told apart by content), atomic saving, and dataset paths kept
 * relative to the file. */
#include "engine/experiment_private.h"

#include "data/builtin.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Weights are at most 4 GiB of float32 (BP_MAX_PARAMS) plus buffers and a header. */
#define MAX_FILE_BYTES ((uint64_t) 6 << 30)

/* ---- paths ---- */

bool
bp_experiment_source_is_builtin (const char *source)
{
  return source != NULL && bp_builtin_exists (source);
}

static char *
join (const char *dir, const char *name)
{
  size_t n = strlen (dir) + strlen (name) + 2;
  char *p = malloc (n);
  if (p != NULL)
    snprintf (p, n, "%s%s%s", dir, dir[0] && dir[strlen (dir) - 1] == '/' ? "" : "/", name);
  return p;
}

char *
bp_experiment_path_from_file (const char *stored, const char *base_dir)
{
  if (stored[0] == '/' || base_dir == NULL || base_dir[0] == '\0' || strcmp (base_dir, ".") == 0)
    return strdup (stored);
  return join (base_dir, stored);
}

/* The folder of path ("." when it has none); caller frees. */
static char *
dir_of (const char *path)
{
  const char *slash = strrchr (path, '/');
  if (slash == NULL)
    return strdup (".");
  if (slash == path)
    return strdup ("/");
  return strndup (path, (size_t) (slash - path));
}

/* path made absolute with its folder's symbolic links resolved (the file itself need not
 * exist); NULL when the folder does not exist. */
static char *
absolute (const char *path)
{
  char *dir = dir_of (path);
  char *real = dir != NULL ? realpath (dir, NULL) : NULL;
  const char *slash = strrchr (path, '/');
  char *abs = real != NULL ? join (real, slash ? slash + 1 : path) : NULL;
  free (dir);
  free (real);
  return abs;
}

char *
bp_experiment_path_for_file (const char *path, const char *base_dir)
{
  char *target = absolute (path);
  char *base = realpath (base_dir, NULL);
  if (target == NULL || base == NULL)
    {
      /* A folder that does not exist (yet): keep the path, absolute so that it means the same
       * from the file's folder as from here. */
      char *cwd = path[0] != '/' ? getcwd (NULL, 0) : NULL;
      char *out = cwd != NULL ? join (cwd, path) : strdup (path);
      free (cwd);
      free (target);
      free (base);
      return out;
    }
  /* Common leading folders, whole components only. */
  size_t common = 0;
  for (size_t i = 1;; i++)
    {
      bool base_end = base[i] == '\0', target_slash = target[i] == '/';
      if (base_end && target_slash)
        common = i;
      if (base_end || base[i] != target[i])
        break;
      if (base[i] == '/')
        common = i;
    }
  if (strcmp (base, "/") == 0)
    common = 0;
  char *out = NULL;
  if (common == 0)
    out = strdup (target); /* only the root is shared: absolute */
  else
    {
      int ups = 0;
      for (const char *p = base + common; *p != '\0'; p++)
        ups += *p == '/';
      const char *rest = target + common + 1;
      size_t n = (size_t) ups * 3 + strlen (rest) + 3;
      out = malloc (n);
      if (out != NULL)
        {
          out[0] = '\0';
          for (int i = 0; i < ups; i++)
            strcat (out, "../");
          strcat (out, rest);
          /* "iris" would read as the built-in: say it is a file. */
          if (ups == 0 && bp_experiment_source_is_builtin (out))
            {
              memmove (out + 2, out, strlen (out) + 1);
              memcpy (out, "./", 2);
            }
        }
    }
  free (target);
  free (base);
  return out;
}

/* ---- reading ---- */

bp_experiment *
bp_experiment_parse (const void *buf, size_t len, const char *what, const char *base_dir,
                     char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  const unsigned char *b = buf;
  if (len == 0)
    {
      snprintf (err, errlen, "%s: the file is empty", what);
      return NULL;
    }
  /* JSON text starts with '{' (after a byte-order mark and white space) and has no NUL; a
   * safetensors file starts with its header length, whose high bytes are zero. */
  size_t i = len >= 3 && memcmp (b, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  while (i < len && strchr (" \t\r\n", b[i]) != NULL && b[i] != '\0')
    i++;
  bool json = i < len && b[i] == '{' && memchr (b, '\0', len < 8 ? len : 8) == NULL;
  char msg[1024] = "";
  bp_experiment *exp = NULL;
  if (json)
    {
      if (len > BP_EXPERIMENT_MAX_JSON)
        snprintf (msg, sizeof msg, "a JSON experiment of %zu bytes is larger than the %zu MiB "
                  "limit (weights go in the safetensors form)", len, BP_EXPERIMENT_MAX_JSON >> 20);
      else
        exp = bp_experiment_parse_json (buf, len, base_dir, msg, sizeof msg);
    }
  else
    {
      /* The safetensors reader names the file itself. */
      bp_safetensors *st = bp_safetensors_parse (buf, len, what, err, errlen);
      if (st == NULL)
        return NULL;
      exp = bp_experiment_from_safetensors (st, base_dir, msg, sizeof msg);
      bp_safetensors_free (st);
    }
  if (exp == NULL)
    snprintf (err, errlen, "%s: %s", what, msg);
  return exp;
}

bp_experiment *
bp_experiment_load (const char *path, char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat (fd, &sb) != 0)
    {
      snprintf (err, errlen, "%s: cannot open: %s", path, strerror (errno));
      if (fd >= 0)
        close (fd);
      return NULL;
    }
  if (!S_ISREG (sb.st_mode) || (uint64_t) sb.st_size > MAX_FILE_BYTES)
    {
      snprintf (err, errlen, S_ISREG (sb.st_mode) ? "%s: the file is larger than any experiment"
                                                  : "%s: not a regular file", path);
      close (fd);
      return NULL;
    }
  size_t len = (size_t) sb.st_size, got = 0;
  char *buf = malloc (len ? len : 1);
  int read_errno = buf == NULL ? ENOMEM : 0;
  while (read_errno == 0 && got < len)
    {
      ssize_t k = read (fd, buf + got, len - got);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        read_errno = k < 0 ? errno : EIO; /* the file shrank under us */
      else
        got += (size_t) k;
    }
  close (fd);
  bp_experiment *exp = NULL;
  if (read_errno != 0)
    snprintf (err, errlen, "%s: cannot read: %s", path, strerror (read_errno));
  else
    {
      char *dir = dir_of (path);
      if (dir == NULL)
        snprintf (err, errlen, "%s: out of memory", path);
      else
        exp = bp_experiment_parse (buf, len, path, dir, err, errlen);
      free (dir);
    }
  free (buf);
  return exp;
}

/* ---- saving ---- */

/* Makes a rename inside dir durable. */
static int
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  int rc = fsync (fd);
  close (fd);
  return rc;
}

static int
write_text_atomic (const char *path, const char *text, char *err, size_t errlen)
{
  size_t n = strlen (path) + 16;
  char *tmp = malloc (n);
  if (tmp == NULL)
    {
      snprintf (err, errlen, "%s: out of memory", path);
      return -1;
    }
  snprintf (tmp, n, "%s.tmp-XXXXXX", path);
  int fd = mkstemp (tmp);
  if (fd < 0)
    {
      snprintf (err, errlen, "%s: cannot create a temporary file: %s", path, strerror (errno));
      free (tmp);
      return -1;
    }
  /* mkstemp makes it 0600; a saved document is as readable as any other file. */
  mode_t mask = umask (0);
  umask (mask);
  (void) fchmod (fd, 0666 & ~mask);
  size_t len = strlen (text), at = 0;
  int saved = 0;
  while (saved == 0 && at < len)
    {
      ssize_t k = write (fd, text + at, len - at);
      if (k < 0 && errno == EINTR)
        continue;
      if (k <= 0)
        saved = k < 0 ? errno : EIO;
      else
        at += (size_t) k;
    }
  if (saved == 0 && fsync (fd) != 0)
    saved = errno;
  if (close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved == 0 && rename (tmp, path) != 0)
    saved = errno;
  if (saved != 0)
    {
      unlink (tmp);
      snprintf (err, errlen, "%s: cannot write: %s", path, strerror (saved));
    }
  free (tmp);
  return saved == 0 ? 0 : -1;
}

static bool
ends_with_json (const char *path)
{
  size_t n = strlen (path);
  return n >= 5 && strcasecmp (path + n - 5, ".json") == 0;
}

/* Compact JSON text of a tree (deleted here); NULL when out of memory. */
static char *
compact (cJSON *tree)
{
  char *text = tree != NULL ? cJSON_PrintUnformatted (tree) : NULL;
  cJSON_Delete (tree);
  return text;
}

static int
save_safetensors (const bp_experiment *exp, const char *path, const char *dir, char *err,
                  size_t errlen)
{
  char *spec_text = bp_spec_to_json (exp->spec);
  char *spec = compact (spec_text != NULL ? cJSON_Parse (spec_text) : NULL);
  char *data = compact (bp_experiment_data_to_cjson (&exp->data, dir));
  char *training = compact (bp_experiment_training_to_cjson (&exp->training));
  bp_st_tensor *t = calloc ((size_t) exp->n_weights + 1, sizeof *t);
  free (spec_text);
  int rc = -1;
  if (spec == NULL || data == NULL || training == NULL || t == NULL)
    snprintf (err, errlen, "%s: out of memory", path);
  else
    {
      char version[16];
      snprintf (version, sizeof version, "%d", BP_EXPERIMENT_VERSION);
      const char *keys[7] = { "format", "version", "spec", "data", "training" };
      const char *values[7] = { BP_EXPERIMENT_FORMAT, version, spec, data, training };
      int n_meta = 5;
      if (exp->title != NULL)
        keys[n_meta] = "title", values[n_meta++] = exp->title;
      if (exp->description != NULL)
        keys[n_meta] = "description", values[n_meta++] = exp->description;
      for (int i = 0; i < exp->n_weights; i++)
        {
          t[i].name = exp->weights[i].name;
          t[i].rank = exp->weights[i].rank;
          memcpy (t[i].dims, exp->weights[i].dims, sizeof t[i].dims);
          t[i].data = exp->weights[i].data;
        }
      rc = bp_safetensors_write (path, t, exp->n_weights, keys, values, n_meta, err, errlen);
    }
  free (spec);
  free (data);
  free (training);
  free (t);
  return rc;
}

int
bp_experiment_save (const bp_experiment *exp, const char *path, char *err, size_t errlen)
{
  char dummy[8];
  if (err == NULL || errlen == 0)
    err = dummy, errlen = sizeof dummy;
  char *dir = dir_of (path);
  if (dir == NULL)
    {
      snprintf (err, errlen, "%s: out of memory", path);
      return -1;
    }
  int rc = -1;
  if (ends_with_json (path))
    {
      char *text = NULL;
      if (exp->n_weights > 0)
        snprintf (err, errlen, "%s: a .json experiment holds no weights; save it under "
                  "another name (.bpx) to keep them", path);
      else if ((text = bp_experiment_to_json (exp, dir)) == NULL)
        snprintf (err, errlen, "%s: out of memory", path);
      else
        rc = write_text_atomic (path, text, err, errlen);
      free (text);
    }
  else
    rc = save_safetensors (exp, path, dir, err, errlen);
  if (rc == 0 && sync_dir (dir) != 0)
    {
      snprintf (err, errlen, "%s: saved, but the folder could not be synced: %s", path,
                strerror (errno));
      rc = -1;
    }
  free (dir);
  return rc;
}
