/* A worker changes its environment and working directory itself (setenv, chdir), and answers the annex's requests. */
#include "worker_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annex.h"

extern char **environ;

/* Where the sandbox keeps its mailbox (worker_sandbox.c). */
uint64_t worker_mailbox_address(void);

void worker_annex_start(struct instr_slot *s)
{
	struct instr_annex *a = worker_annex(s);

	/* The address of the variable, not its value: setenv may move the array it points to. */
	atomic_store(&a->environ_address, (uint64_t)(uintptr_t)&environ);
	atomic_store(&a->mailbox_address, worker_mailbox_address());
	atomic_store(&a->delivered, 0);
	atomic_store(&a->sandboxed, 0);
	atomic_store(&a->helper, 0);
}

/* setenv NAME=VALUE, as the program itself would call it: in its process's environment. */
static int32_t worker_setenv(const char *text)
{
	char name[ANNEX_TEXT_MAX];
	const char *eq = strchr(text, '=');

	if (eq == NULL || eq == text || (size_t)(eq - text) >= sizeof(name))
		return -EINVAL;
	memcpy(name, text, (size_t)(eq - text));
	name[eq - text] = '\0';
	return setenv(name, eq + 1, 1) == 0 ? 0 : -errno;
}

bool worker_annex_request(struct instr_slot *s, uint32_t ask, int32_t *answer)
{
	struct instr_annex *a = worker_annex(s);
	char text[ANNEX_TEXT_MAX];

	memcpy(text, a->text, sizeof(text));
	text[sizeof(text) - 1] = '\0';
	switch (ask) {
	case INSTR_ASK_SETENV:
		*answer = worker_setenv(text);
		return true;
	case INSTR_ASK_CHDIR:
		*answer = chdir(text) == 0 ? 0 : -errno;
		return true;
	case INSTR_ASK_SANDBOX:
	case INSTR_ASK_POST:
	case INSTR_ASK_SERVE:
	case INSTR_ASK_COLLECT:
		*answer = worker_sandbox_request(s, ask);
		return true;
	default:
		return false;
	}
}
