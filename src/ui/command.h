/* Commands from the screen (keys, the prompt, a lesson): one way into the command language. */
#ifndef PTVIZ_UI_COMMAND_H
#define PTVIZ_UI_COMMAND_H

#include "ui_priv.h"

/* Runs command text through the command language, then observes.  Returns false with err set on a parse or run error. */
bool ui_command(struct ui *ui, const char *text, struct cmd_error *err);
/* Runs one parsed command as the prompt does: echoed, errors logged, front-end verbs acted on. */
bool ui_exec(struct ui *ui, const struct cmd *c, struct cmd_error *err);

#endif
