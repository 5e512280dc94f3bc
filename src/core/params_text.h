/* src/core/params_text.h — canonical parameter strings of checkpoints: "key=value" words
 * in a fixed order, doubles in their shortest exact form, so that equal strings mean
 * equal parameters; and the one-line refusal naming the first word that differs. */
#ifndef TL_CORE_PARAMS_TEXT_H
#define TL_CORE_PARAMS_TEXT_H

#include <stddef.h>

#include "topolearn/error.h"

/* Appends printf output to buf at *len (silently truncated at cap). */
void tl_text_put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The shortest %g form of x that reads back as exactly x. */
void tl_text_exact(char *out, size_t cap, double x);

/* Appends " key=v0,v1,..." with every value in its exact form. */
void tl_text_doubles(char *buf, size_t cap, size_t *len, const char *key, const double *v,
                     int n);

/* Compares the checkpoint's description have with this command's want: TL_OK when equal,
 * else TL_ERR_INPUT "PATH: checkpoint of other parameters: seed=1 there, seed=2 in this
 * command (...)", naming the first word of want that have lacks or holds with another
 * value (else a word only have holds). */
tl_status tl_text_params_match(const char *path, const char *have, const char *want,
                               tl_error *err);

#endif
