/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A toast that shows text as it is. libadwaita 1.2 reads a toast's title as Pango markup
 * (the switch to turn that off came in 1.4), so a file name or an engine message with '&' or
 * '<' in it would show an empty toast; the text is escaped here. */
AdwToast *bp_toast_new_text (const char *text);

G_END_DECLS
