/* SPDX-License-Identifier: GPL-3.0-or-later */
/* backprop: the window. Everything lives in ui/; this only starts the application. */
#include "bp-config.h"

#include "bp-application.h"

#include <locale.h>

int
main (int argc, char *argv[])
{
  g_autoptr (BpApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  app = bp_application_new ();
  /* The option's own line has no room for them: --help lists the names --page takes. */
  g_application_set_option_context_description (
    G_APPLICATION (app), "Pages for --page: playground (the default), builder, dashboard, data.");
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : bp_application_get_exit_status (app);
}
