/* src/report/report_internal.h — pieces of report.md shared by its files. */
#ifndef TL_REPORT_INTERNAL_H
#define TL_REPORT_INTERNAL_H

#include <stdio.h>

#include "topolearn/report.h"

/* One table of a section from DIR/data (see tl_report_table_t), with its caption. */
void tl_md_table(FILE *fp, const char *dir, const tl_report_table_t *tb);

#endif
