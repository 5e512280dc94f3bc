/* libFuzzer harness for the hoppings CSV parser: any bytes must give TL_OK with a
 * valid chain, or a one-line error — never a crash, a leak or undefined behaviour. */
#include <stdint.h>
#include <string.h>

#include "topolearn/hopfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tl_chain_t *c = NULL;
  tl_error err = {0};
  tl_status st = tl_hopfile_parse_csv((const char *)data, size, "fuzz.csv",
                                      (size & 1) ? TL_PBC : TL_OBC, &c, &err);
  if (st == TL_OK) {
    if (!c || c->L < 1 || c->r_min > c->r_max || tl_chain_validate(c, &err) != TL_OK) __builtin_trap();
  } else {
    if (c || err.msg[0] == '\0' || strchr(err.msg, '\n')) __builtin_trap();
  }
  tl_chain_free(c);
  return 0;
}
