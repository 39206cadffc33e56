/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A BpChart to files: PNG and SVG through cairo surfaces (the same painting code as the widget),
 * and the data as CSV. */
#include "bp-config.h"

#include "bp-chart-private.h"

#include "bp-palette.h"

#include <cairo-svg.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>

static void
background_for (BpChart *self, GdkRGBA *bg)
{
  GdkRGBA fg;

  bp_palette_widget_fg (GTK_WIDGET (self), &fg);
  /* Light text means a dark style: keep the picture as the user sees it. */
  if (0.3 * fg.red + 0.6 * fg.green + 0.1 * fg.blue > 0.5)
    *bg = (GdkRGBA) { 0.14f, 0.14f, 0.14f, 1 };
  else
    *bg = (GdkRGBA) { 1, 1, 1, 1 };
}

/* Lays the chart out at width x height, paints it, and puts the widget's layout back. */
static void
paint_at_size (BpChart *self, cairo_t *cr, int width, int height)
{
  BpChartGeometry saved = self->geo;
  GdkRGBA bg;

  background_for (self, &bg);
  _bp_chart_layout (self, width, height);
  _bp_chart_paint_cairo (self, cr, &bg);
  self->geo = saved;
}

static gboolean
check_surface (cairo_surface_t *surface, const char *path, GError **error)
{
  cairo_status_t st = cairo_surface_status (surface);

  if (st == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
               cairo_status_to_string (st));
  return FALSE;
}

gboolean
bp_chart_export_png (BpChart *self, const char *path, int width, int height, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t st;

  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL && width > 0 && height > 0, FALSE);

  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cr = cairo_create (surface);
  paint_at_size (self, cr, width, height);
  cairo_destroy (cr);
  st = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (st != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
                   cairo_status_to_string (st));
      return FALSE;
    }
  return TRUE;
}

gboolean
bp_chart_export_svg (BpChart *self, const char *path, int width, int height, GError **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  gboolean ok;

  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL && width > 0 && height > 0, FALSE);

  surface = cairo_svg_surface_create (path, width, height);
  if (!check_surface (surface, path, error))
    {
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cr = cairo_create (surface);
  paint_at_size (self, cr, width, height);
  cairo_destroy (cr);
  cairo_surface_finish (surface); /* writes the file */
  ok = check_surface (surface, path, error);
  cairo_surface_destroy (surface);
  return ok;
}

/* A CSV field: quoted when it holds a delimiter, a quote or a line break. */
static void
csv_field (GString *out, const char *s)
{
  if (strpbrk (s, ",\"\n\r") == NULL)
    {
      g_string_append (out, s);
      return;
    }
  g_string_append_c (out, '"');
  for (; *s; s++)
    {
      if (*s == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
}

gboolean
bp_chart_export_csv (BpChart *self, const char *path, GError **error)
{
  g_autoptr (GString) out = g_string_new ("series,x,y,smoothed\n");

  g_return_val_if_fail (BP_IS_CHART (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint k = 0; k < self->series->len; k++)
    {
      BpChartSeries *s = g_ptr_array_index (self->series, k);
      g_autoptr (GString) name = g_string_new (NULL);

      csv_field (name, s->name);
      for (guint i = 0; i < s->x->len; i++)
        {
          /* %.9g round-trips a float, %.17g a double. */
          g_string_append_printf (out, "%s,%.17g,%.9g,", name->str,
                                  g_array_index (s->x, double, i),
                                  (double) g_array_index (s->y, float, i));
          if (s->ys->len == s->y->len && s->ys->len > 0)
            g_string_append_printf (out, "%.9g", (double) g_array_index (s->ys, float, i));
          g_string_append_c (out, '\n');
        }
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

/* ---- the menu's export actions ---- */

typedef struct {
  BpChart *chart;
  char kind; /* 'p', 's' or 'c' */
} ExportRequest;

static void
on_export_response (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  ExportRequest *req = user_data;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  int w = MAX (gtk_widget_get_width (GTK_WIDGET (req->chart)), 320);
  int h = MAX (gtk_widget_get_height (GTK_WIDGET (req->chart)), 200);
  gboolean ok = TRUE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file != NULL ? g_file_get_path (file) : NULL;
    }
  if (path != NULL)
    {
      if (req->kind == 'p')
        ok = bp_chart_export_png (req->chart, path, w * 2, h * 2, &error);
      else if (req->kind == 's')
        ok = bp_chart_export_svg (req->chart, path, w, h, &error);
      else
        ok = bp_chart_export_csv (req->chart, path, &error);
      if (!ok)
        g_warning ("Could not export the chart: %s", error->message);
    }
  g_object_unref (req->chart);
  g_free (req);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

void _bp_chart_export_action (GtkWidget *widget, const char *name, GVariant *param);

void
_bp_chart_export_action (GtkWidget *widget, const char *name, GVariant *param)
{
  BpChart *self = BP_CHART (widget);
  ExportRequest *req = g_new0 (ExportRequest, 1);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *suggested = NULL;
  const char *ext;

  req->chart = g_object_ref (self);
  req->kind = g_str_has_suffix (name, "png") ? 'p' : g_str_has_suffix (name, "svg") ? 's' : 'c';
  ext = req->kind == 'p' ? "png" : req->kind == 's' ? "svg" : "csv";
  dialog = gtk_file_chooser_native_new (req->kind == 'c' ? "Export Chart Data" : "Export Chart",
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, "_Export", "_Cancel");
  suggested = g_strdup_printf ("%s.%s", self->title != NULL ? self->title : "chart", ext);
  g_strdelimit (suggested, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), suggested);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), req);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
