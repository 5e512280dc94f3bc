/* gnuplot figures: a script is piped to gnuplot, which writes to a temporary name that
 * is renamed into place only when gnuplot succeeded. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "topolearn/outfile.h"
#include "topolearn/report.h"

const char *tl_gnuplot_path(void) {
  static char found[4096];
  const char *env = getenv("TL_GNUPLOT");
  if (env && *env) return access(env, X_OK) == 0 ? env : NULL;
  const char *path = getenv("PATH");
  if (!path) return NULL;
  const char *p = path;
  while (*p) {
    const char *colon = strchr(p, ':');
    size_t n = colon ? (size_t)(colon - p) : strlen(p);
    if (n > 0 && n + 9 < sizeof found) {
      memcpy(found, p, n);
      memcpy(found + n, "/gnuplot", 9);
      struct stat sb;
      if (stat(found, &sb) == 0 && S_ISREG(sb.st_mode) && access(found, X_OK) == 0) return found;
    }
    p += n + (colon ? 1 : 0);
  }
  return NULL;
}

/* Replaces every @OUT@ in script by path (quoted by the caller's script). */
static char *substitute(const char *script, const char *path) {
  size_t n = 0, lp = strlen(path);
  for (const char *s = strstr(script, "@OUT@"); s; s = strstr(s + 5, "@OUT@")) n++;
  char *out = tl_malloc(strlen(script) + n * lp + 1), *o = out;
  if (!out) return NULL;
  const char *s = script;
  for (const char *hit; (hit = strstr(s, "@OUT@")); s = hit + 5) {
    memcpy(o, s, (size_t)(hit - s));
    o += hit - s;
    memcpy(o, path, lp);
    o += lp;
  }
  strcpy(o, s);
  return out;
}

tl_status tl_gnuplot_render(const char *script, const char *png_path, int force, tl_error *err) {
  const char *gp = tl_gnuplot_path();
  const char *env = getenv("TL_GNUPLOT");
  if (!gp && env && *env)
    return tl_error_set(err, TL_ERR_IO, "gnuplot not found: TL_GNUPLOT='%s' is not an executable "
                        "file (expected gnuplot's path, or unset it); %s not written", env, png_path);
  if (!gp)
    return tl_error_set(err, TL_ERR_IO, "gnuplot not found (install gnuplot-nox, or set "
                        "TL_GNUPLOT); %s not written", png_path);
  tl_outfile_t o;
  tl_status st = tl_outfile_begin(&o, png_path, force, 0, err);
  if (st) return st;
  char *text = substitute(script, o.tmp_path);
  if (!text) {
    tl_outfile_abort(&o);
    return tl_error_set(err, TL_ERR_NOMEM, "out of memory for a gnuplot script");
  }
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "'%s' 2>/dev/null", gp);
  FILE *pipe = popen(cmd, "w");
  int rc = -1;
  if (pipe) {
    fputs(text, pipe);
    rc = pclose(pipe);
  }
  tl_free(text);
  struct stat sb;
  if (rc != 0 || stat(o.tmp_path, &sb) != 0 || sb.st_size == 0) {
    tl_outfile_abort(&o);
    return tl_error_set(err, TL_ERR_IO, "gnuplot failed to render %s (exit status %d)", png_path,
                        rc == -1 ? -1 : WEXITSTATUS(rc));
  }
  return tl_outfile_commit(&o, err);
}

tl_status tl_plot_heatmap(const char *csv_path, const char *png_path, int xcol, int ycol,
                          int zcol, const char *xlabel, const char *ylabel, const char *zlabel,
                          const char *title, double zlo, double zhi, int force, tl_error *err) {
  char range[96] = "";
  if (isfinite(zlo) && isfinite(zhi) && zlo < zhi) snprintf(range, sizeof range, "set cbrange [%g:%g]\n", zlo, zhi);
  /* signed values: blue - white - red around 0; non-negative ones: white to dark blue */
  const int diverging = isfinite(zlo) && isfinite(zhi) && zlo < 0 && zhi > 0;
  const char *palette = diverging ? "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n"
                                  : "set palette defined (0 '#ffffff', 0.25 '#c6dbef', 0.5 '#6baed6', "
                                    "0.75 '#2171b5', 1 '#08306b')\n";
  char script[4096];
  snprintf(script, sizeof script,
           "set terminal pngcairo size 960,720 enhanced font 'Sans,12'\n"
           "set output '@OUT@'\n"
           "set datafile separator ','\n"
           "set title \"%s\"\n"
           "set xlabel \"%s\"\nset ylabel \"%s\"\n"
           "set cblabel \"%s\" offset 1,0\nset rmargin at screen 0.80\n%s"
           "set autoscale xfix\nset autoscale yfix\n%s"
           "set key off\nset tics out\n"
           "plot '%s' every ::1 using %d:%d:%d with image\n",
           title, xlabel, ylabel, zlabel, palette, range, csv_path, xcol, ycol, zcol);
  return tl_gnuplot_render(script, png_path, force, err);
}
