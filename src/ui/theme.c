/* Semantic roles mapped to colours or, on a monochrome terminal, to bold and reverse; the high-contrast theme; the glyphs. */
#include <stdlib.h>

#include "ui_priv.h"

struct theme_role {
	short fg, bg;        /* -1: the terminal's default */
	attr_t colour_attr;  /* added to the colour */
	attr_t mono_attr;    /* used alone without colour */
};

static const struct theme_role theme_roles[ROLE_COUNT] = {
	[ROLE_NORMAL] = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_HEADER] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_TITLE] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_BORDER] = { COLOR_BLUE, -1, A_NORMAL, A_NORMAL },
	/* Never A_DIM: faint text is lost on a projector; bold marks the primary figures instead. */
	[ROLE_SECONDARY] = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_FIGURE] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_ALIVE] = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[ROLE_DEAD] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_PAUSED] = { COLOR_YELLOW, -1, A_NORMAL, A_UNDERLINE },
	[ROLE_LOST] = { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[ROLE_SHARED] = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_PRIVATE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[ROLE_SELECTED] = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_REVERSE },
	[ROLE_KEY] = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_KEYLABEL] = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_NOTE] = { COLOR_YELLOW, -1, A_NORMAL, A_BOLD },
	[ROLE_COMMAND] = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	/* Bold white on blue: the most contrast a washed-out projector leaves. */
	[ROLE_CAPTION] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_RIGHT] = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_BOLD | A_REVERSE },
	[ROLE_WRONG] = { COLOR_WHITE, COLOR_RED, A_BOLD, A_BOLD | A_REVERSE },
};

/*
 * --theme contrast, for a washed-out projector: bold white on black everywhere, no grey, no colour.
 * What a colour said is said by reverse (headers, keys, the selection), underline (the dead, the paused)
 * and the glyphs beside the names (a cross for the dead), so nothing rests on a hue.
 */
static const attr_t theme_contrast[ROLE_COUNT] = {
	[ROLE_NORMAL] = A_BOLD,
	[ROLE_HEADER] = A_BOLD | A_REVERSE,
	[ROLE_TITLE] = A_BOLD,
	[ROLE_BORDER] = A_BOLD,
	[ROLE_SECONDARY] = A_BOLD,
	[ROLE_FIGURE] = A_BOLD,
	[ROLE_ALIVE] = A_BOLD,
	[ROLE_DEAD] = A_BOLD | A_UNDERLINE,
	[ROLE_PAUSED] = A_BOLD | A_UNDERLINE,
	[ROLE_LOST] = A_BOLD,
	[ROLE_SHARED] = A_BOLD,
	[ROLE_PRIVATE] = A_BOLD,
	[ROLE_SELECTED] = A_BOLD | A_REVERSE,
	[ROLE_KEY] = A_BOLD,
	[ROLE_KEYLABEL] = A_BOLD | A_REVERSE,
	[ROLE_ERROR] = A_BOLD | A_REVERSE,
	[ROLE_NOTE] = A_BOLD,
	[ROLE_COMMAND] = A_BOLD,
	[ROLE_CAPTION] = A_BOLD,
	[ROLE_RIGHT] = A_BOLD | A_REVERSE,
	[ROLE_WRONG] = A_BOLD | A_REVERSE | A_UNDERLINE,
};

/*
 * Every role white on black (the terminal's own background might be a grey), or only the attributes
 * without colour: on a monochrome terminal, and under NO_COLOR, which this theme respects too.
 */
static void theme_init_contrast(struct ui *ui, bool no_colour)
{
	bool pair = !no_colour && has_colors() && start_color() == OK && COLOR_PAIRS > 1 &&
	            init_pair(1, COLOR_WHITE, COLOR_BLACK) == OK;

	ui->colour = false;
	for (int i = 0; i < ROLE_COUNT; i++)
		ui->role[i] = theme_contrast[i] | (pair ? (attr_t)COLOR_PAIR(1) : 0);
	if (pair)
		bkgd((chtype)COLOR_PAIR(1));
}

static const struct ui_glyphs theme_utf8 = {
	.alive = "\u25cf", .dead = "\u2716", .paused = "\u2016", .tree_mid = "\u251c\u2500",
	.tree_end = "\u2514\u2500", .arrow = "\u2192", .dot = "\u00b7", .ellipsis = "\u2026",
	.more_up = "\u25b2", .more_down = "\u25bc", .more_left = "\u25c0", .more_right = "\u25b6",
	.shade = "\u2591",
	.spark = { "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588" },
};

static const struct ui_glyphs theme_ascii = {
	.alive = "o", .dead = "X", .paused = "=", .tree_mid = "|-", .tree_end = "`-", .arrow = "->",
	.dot = "-", .ellipsis = "..", .more_up = "^", .more_down = "v", .more_left = "<", .more_right = ">", .shade = ".",
	.spark = { "_", ".", ",", "-", "=", "+", "*", "#" },
};

void ui_theme_init(struct ui *ui)
{
	const char *no_colour = getenv("NO_COLOR");

	ui->g = ui->utf8 ? theme_utf8 : theme_ascii;
	if (ui->opt.contrast) {
		theme_init_contrast(ui, no_colour != NULL && no_colour[0] != '\0');
		return;
	}
	ui->colour = has_colors() && (no_colour == NULL || no_colour[0] == '\0');
	if (ui->colour) {
		start_color();
		if (use_default_colors() != OK) {
			/* An old terminal without default colours: white on black stands in. */
			for (int i = 0; i < ROLE_COUNT; i++) {
				short fg = theme_roles[i].fg < 0 ? COLOR_WHITE : theme_roles[i].fg;
				short bg = theme_roles[i].bg < 0 ? COLOR_BLACK : theme_roles[i].bg;
				init_pair((short)(i + 1), fg, bg);
			}
		} else {
			for (int i = 0; i < ROLE_COUNT; i++)
				init_pair((short)(i + 1), theme_roles[i].fg, theme_roles[i].bg);
		}
		if (COLOR_PAIRS < ROLE_COUNT + 1)
			ui->colour = false;
	}
	for (int i = 0; i < ROLE_COUNT; i++) {
		if (ui->colour)
			ui->role[i] = (attr_t)COLOR_PAIR(i + 1) | theme_roles[i].colour_attr;
		else
			ui->role[i] = theme_roles[i].mono_attr;
	}
	if (ui->colour)
		ui->role[ROLE_NORMAL] = A_NORMAL;
}
