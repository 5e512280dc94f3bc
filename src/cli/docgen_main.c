/* topolearn-docgen man|bash FILE — writes the man page or the bash completion generated
 * from the flag tables (a build step; not installed). */
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[1], "man") && strcmp(argv[1], "bash"))) {
    fprintf(stderr, "usage: topolearn-docgen man|bash FILE\n");
    return 2;
  }
  FILE *out = fopen(argv[2], "w");
  if (!out) {
    perror(argv[2]);
    return 2;
  }
  if (!strcmp(argv[1], "man")) tl_cli_write_man(out);
  else tl_cli_write_completion(out);
  return fclose(out) ? 1 : 0;
}
