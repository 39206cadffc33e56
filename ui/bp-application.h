/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The application: command line (--page, --screenshot, --steps, --stats), app actions
 * (quit, about, shortcuts) and their accelerators. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BP_TYPE_APPLICATION (bp_application_get_type ())
G_DECLARE_FINAL_TYPE (BpApplication, bp_application, BP, APPLICATION, AdwApplication)

BpApplication *bp_application_new (void);

/* What main() should return: g_application_run's status, or 1 when a --screenshot failed or
 * the command line named an unknown page. */
int bp_application_get_exit_status (BpApplication *self);

G_END_DECLS
