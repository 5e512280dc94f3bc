/* Figures: line plots with bands and bar charts render to a PNG (checked by signature)
 * when gnuplot is present, and report a one-line error naming the file when it is not. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "topolearn/report.h"

static char dir[] = "/tmp/tl-plots-XXXXXX";

static int is_png(const char *path) {
  unsigned char sig[8] = {0};
  FILE *fp = fopen(path, "rb");
  if (!fp) return 0;
  size_t n = fread(sig, 1, 8, fp);
  fclose(fp);
  return n == 8 && sig[0] == 0x89 && sig[1] == 'P' && sig[2] == 'N' && sig[3] == 'G';
}

static void test_lines_and_bars(void **state) {
  (void)state;
  if (!tl_gnuplot_path()) skip();
  char csv[256], png[256], bars[256];
  snprintf(csv, sizeof csv, "%s/curve.csv", dir);
  snprintf(png, sizeof png, "%s/curve.png", dir);
  snprintf(bars, sizeof bars, "%s/bars.png", dir);
  FILE *fp = fopen(csv, "w");
  fprintf(fp, "epoch,median,q25,q75\n");
  for (int e = 1; e <= 10; e++) fprintf(fp, "%d,%g,%g,%g\n", e, 1.0 / e, 0.8 / e, 1.2 / e);
  fclose(fp);
  tl_plot_series_t s[2] = {{csv, 1, 2, 3, 4, "median with IQR", NULL, 0},
                           {csv, 1, 3, 0, 0, "q25 \"quoted\"", NULL, 0}};
  tl_plot_axes_t ax = {.title = "Loss", .xlabel = "epoch", .ylabel = "loss", .logy = 1, .ymin = NAN,
                       .ymax = NAN};
  tl_error err = {0};
  assert_int_equal(tl_plot_lines(png, s, 2, &ax, 0, &err), TL_OK);
  assert_true(is_png(png));
  assert_int_equal(tl_plot_lines(png, s, 2, &ax, 0, &err), TL_ERR_INPUT); /* exists */
  const int cols[2] = {2, 3};
  const char *labels[2] = {"median", "q25"};
  assert_int_equal(tl_plot_bars(csv, bars, 1, cols, labels, 2, &ax, 0, &err), TL_OK);
  assert_true(is_png(bars));
  /* small multiples: two panels, one shaded at both ends */
  const tl_plot_panel_t panels[2] = {
      {.title = "left", .ymin = NAN, .ymax = NAN, .mark_lo = 1.5, .mark_hi = 8.5, .xmin = 0, .xmax = 11},
      {.title = "right", .ylabel = "q25", .ymin = 0, .ymax = 1.06, .mark_lo = NAN, .mark_hi = NAN,
       .xmin = NAN, .xmax = NAN}};
  s[1].panel = 1;
  tl_plot_axes_t ax2 = {.title = "Panels", .xlabel = "epoch", .ylabel = "loss", .ymin = NAN,
                        .ymax = NAN, .npanels = 2, .panels = panels, .dodge = 0.1};
  assert_int_equal(tl_plot_lines(png, s, 2, &ax2, 1, &err), TL_OK);
  assert_true(is_png(png));
  unlink(csv);
  unlink(png);
  unlink(bars);
}

static void test_missing_gnuplot(void **state) {
  (void)state;
  setenv("TL_GNUPLOT", "/nonexistent/gnuplot", 1);
  char png[256];
  snprintf(png, sizeof png, "%s/none.png", dir);
  tl_plot_series_t s = {"/dev/null", 1, 2, 0, 0, "x", NULL, 0};
  tl_plot_axes_t ax = {.title = "t", .xlabel = "x", .ylabel = "y", .ymin = NAN, .ymax = NAN};
  tl_error err = {0};
  assert_int_equal(tl_plot_lines(png, &s, 1, &ax, 0, &err), TL_ERR_IO);
  assert_non_null(strstr(err.msg, "gnuplot not found"));
  assert_int_equal(access(png, F_OK), -1);
  unsetenv("TL_GNUPLOT");
}

int main(void) {
  if (!mkdtemp(dir)) return 1;
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_lines_and_bars),
                                     cmocka_unit_test(test_missing_gnuplot)};
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  rmdir(dir);
  return rc;
}
