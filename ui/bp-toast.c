/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "bp-toast.h"

AdwToast *
bp_toast_new_text (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  return adw_toast_new (escaped);
}
