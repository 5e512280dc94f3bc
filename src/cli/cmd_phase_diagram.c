#include "cli/cli.h"
int tl_cmd_phase_diagram(int argc, char **argv) { (void)argc; (void)argv; return 1; }
