/* Structure-aware libFuzzer harness for the HDF5 readers (data sets and model files).
 *
 * Raw byte mutation would mostly exercise libhdf5's own parser; what we must harden is
 * our validation of any well-formed HDF5 file. So the input drives edits, through the
 * HDF5 API, of valid template files made in-process (a small data set and a small
 * model): delete an attribute or dataset, retype an attribute (int, double, string,
 * array) with values from the input, replace a dataset with another shape and type
 * filled with input bytes (NaN and inf included). The readers must then succeed or
 * fail with one line — never crash, leak or read out of bounds. The third template is a
 * generation checkpoint (an interrupted run's OUT.partial), which --resume reads and
 * continues; the fourth a phase-diagram checkpoint (PREFIX.partial.h5), loaded and, when
 * accepted, finished. */
#include <hdf5.h>
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topolearn.h"
#include "topolearn/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
  const uint8_t *p;
  size_t n;
} input_t;

static unsigned take(input_t *in, unsigned mod) {
  if (!in->n || !mod) return 0;
  unsigned v = *in->p++;
  in->n--;
  return v % mod;
}

static char tmpl_data[64], tmpl_model[64], tmpl_ck[80], tmpl_phase[80], work[64], resumed[64];
static unsigned char *tmpl_bytes[4];
static size_t tmpl_len[4];

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp) abort();
  fseek(fp, 0, SEEK_END);
  *len = (size_t)ftell(fp);
  fseek(fp, 0, SEEK_SET);
  unsigned char *b = malloc(*len);
  if (fread(b, 1, *len, fp) != *len) abort();
  fclose(fp);
  return b;
}

/* The checkpoint template's run: two blocks at L = 4 (4096 chains each), cancelled after
 * the first, so the checkpoint holds 4096 rows and resuming solves one more chain. */
static void checkpoint_params(tl_dataset_params_t *p) {
  tl_dataset_params_default(p);
  p->fam.L = 4;
  p->n = 4097;
  p->store_qab = 0;
  p->float32 = 1;
  p->threads = 1;
  p->checkpoint = 1;
}

static int cancel_at_once(void *ctx, long done, long total) {
  (void)ctx, (void)done, (void)total;
  return 1;
}

/* The phase template's run: a disordered 2 x 2 (w, D) grid of 3 realisations per point
 * at L = 8, cancelled after 5 of its 12 realisations. */
static void phase_params(tl_phase_params_t *p) {
  tl_phase_params_default(p);
  tl_family_ssh(&p->base, 8, 1.0, 1.0);
  p->mode = TL_PHASE_WD;
  p->x_lo = 0.5, p->x_hi = 1.5, p->y_lo = 0.5, p->y_hi = 2;
  p->nx = p->ny = 2;
  p->samples = 3;
}

static int cancel_at_five(void *ctx, long done, long total) {
  (void)ctx, (void)total;
  return done >= 5;
}

static void make_templates(void) {
  tl_error err = {0};
  snprintf(tmpl_data, sizeof tmpl_data, "/tmp/tl-fuzz-data-%d.h5", (int)getpid());
  snprintf(tmpl_model, sizeof tmpl_model, "/tmp/tl-fuzz-model-%d.h5", (int)getpid());
  snprintf(work, sizeof work, "/tmp/tl-fuzz-work-%d.h5", (int)getpid());
  tl_dataset_params_t p;
  tl_dataset_params_default(&p);
  p.fam.L = 4;
  p.n = 3;
  p.force = 1;
  p.threads = 1;
  if (tl_dataset_generate(&p, tmpl_data, NULL, NULL, NULL, &err)) abort();
  tl_model_hyper_t hp;
  tl_model_hyper_default(&hp, TL_MODEL_MLP);
  hp.nlayers = 1;
  hp.width[0] = 3;
  tl_rng_t rng;
  tl_rng_init(&rng, 1, 0);
  tl_model_t *m;
  if (tl_model_new(&m, &hp, 4, 0, 1, &rng, &err) || tl_model_save(m, tmpl_model, 1, NULL, &err)) abort();
  tl_model_free(m);
  snprintf(resumed, sizeof resumed, "/tmp/tl-fuzz-resumed-%d.h5", (int)getpid());
  tl_dataset_checkpoint_path(resumed, tmpl_ck, sizeof tmpl_ck);
  checkpoint_params(&p);
  p.force = 1;
  if (tl_dataset_generate(&p, resumed, cancel_at_once, NULL, NULL, &err) != TL_ERR_INTERRUPTED) abort();
  char prefix[64];
  snprintf(prefix, sizeof prefix, "/tmp/tl-fuzz-phase-%d", (int)getpid());
  tl_phase_checkpoint_path(prefix, tmpl_phase, sizeof tmpl_phase);
  tl_phase_params_t pp;
  phase_params(&pp);
  tl_phase_state_t *ps;
  tl_phase_point_t pts[4];
  if (tl_phase_state_new(&ps, &pp, &err) ||
      tl_phase_diagram_continue(&pp, ps, pts, cancel_at_five, NULL, &err) != TL_ERR_INTERRUPTED ||
      tl_phase_checkpoint_save(tmpl_phase, &pp, ps, &err))
    abort();
  tl_phase_state_free(ps);
  tmpl_bytes[0] = slurp(tmpl_data, &tmpl_len[0]);
  tmpl_bytes[1] = slurp(tmpl_model, &tmpl_len[1]);
  tmpl_bytes[2] = slurp(tmpl_ck, &tmpl_len[2]);
  tmpl_bytes[3] = slurp(tmpl_phase, &tmpl_len[3]);
  unlink(tmpl_data);
  unlink(tmpl_model);
  unlink(tmpl_ck);
  unlink(tmpl_phase);
}

/* Names of every dataset in the file, for picking a target. */
typedef struct {
  char name[16][64];
  int n;
} names_t;

static herr_t visit(hid_t o, const char *name, const H5O_info_t *info, void *op) {
  (void)o;
  names_t *nm = op;
  if (info->type == H5O_TYPE_DATASET && nm->n < 16) snprintf(nm->name[nm->n++], 64, "%s", name);
  return 0;
}

static herr_t attr_name(hid_t loc, const char *name, const H5A_info_t *info, void *op) {
  (void)loc, (void)info;
  names_t *nm = op;
  if (nm->n < 16) snprintf(nm->name[nm->n++], 64, "%s", name);
  return 0;
}

static void edit(hid_t f, input_t *in) {
  names_t ds = {0}, at = {0};
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &ds, H5O_INFO_BASIC);
  hsize_t idx = 0;
  H5Aiterate2(f, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_name, &at);
  switch (take(in, 4)) {
    case 0: /* delete an attribute */
      if (at.n) H5Adelete(f, at.name[take(in, (unsigned)at.n)]);
      break;
    case 1: { /* retype an attribute */
      if (!at.n) break;
      const char *name = at.name[take(in, (unsigned)at.n)];
      H5Adelete(f, name);
      hsize_t dim = 1 + take(in, 3);
      hid_t sp = take(in, 2) ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &dim, NULL);
      unsigned kind = take(in, 3);
      hid_t t = kind == 0 ? H5Tcopy(H5T_NATIVE_LLONG) : kind == 1 ? H5Tcopy(H5T_NATIVE_DOUBLE) : H5Tcopy(H5T_C_S1);
      if (kind == 2) H5Tset_size(t, 8);
      unsigned char buf[64] = {0};
      for (size_t i = 0; i < sizeof buf && in->n; i++) buf[i] = (unsigned char)take(in, 256);
      hid_t a = H5Acreate2(f, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
      if (a >= 0) {
        H5Awrite(a, t, buf);
        H5Aclose(a);
      }
      H5Tclose(t);
      H5Sclose(sp);
      break;
    }
    default: { /* replace a dataset (or delete it) */
      if (!ds.n) break;
      const char *name = ds.name[take(in, (unsigned)ds.n)];
      H5Ldelete(f, name, H5P_DEFAULT);
      if (take(in, 4) == 0) break;
      int rank = 1 + (int)take(in, 3);
      hsize_t dims[3];
      size_t count = 1;
      for (int r = 0; r < rank; r++) count *= (dims[r] = take(in, 9));
      unsigned kind = take(in, 3);
      hid_t t = kind == 0 ? H5T_NATIVE_DOUBLE : kind == 1 ? H5T_NATIVE_FLOAT : H5T_NATIVE_INT;
      size_t bytes = count * H5Tget_size(t);
      unsigned char *buf = calloc(bytes ? bytes : 1, 1);
      for (size_t i = 0; i < bytes && in->n; i++) buf[i] = (unsigned char)take(in, 256);
      hid_t sp = H5Screate_simple(rank, dims, NULL);
      hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
      H5Pset_create_intermediate_group(lcpl, 1);
      hid_t d = H5Dcreate2(f, name, t, sp, lcpl, H5P_DEFAULT, H5P_DEFAULT);
      if (d >= 0) {
        if (count) H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
        H5Dclose(d);
      }
      H5Pclose(lcpl);
      H5Sclose(sp);
      free(buf);
    }
  }
}

static void check(tl_status st, const tl_error *err) {
  if (st && (err->msg[0] == '\0' || strchr(err->msg, '\n'))) {
    fprintf(stderr, "bad error message: [%s]\n", err->msg);
    __builtin_trap();
  }
}

/* What `topolearn info` reads of a checkpoint: a summary or one line. */
static void checkpoint_info(const char *path) {
  tl_error err = {0};
  tl_checkpoint_info_t *ci = malloc(sizeof *ci);
  check(tl_checkpoint_info(path, ci, &err), &err);
  free(ci);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!tmpl_bytes[0]) {
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    omp_set_num_threads(1); /* the same realisations finished in the phase template, always */
    make_templates();
  }
  input_t in = {data, size};
  const unsigned which = take(&in, 4); /* 4, not 3: the first three keep their seeds' bytes */
  const char *file = which == 2 ? tmpl_ck : which == 3 ? tmpl_phase : work;
  FILE *fp = fopen(file, "wb");
  fwrite(tmpl_bytes[which], 1, tmpl_len[which], fp);
  fclose(fp);
  hid_t f = H5Fopen(file, H5F_ACC_RDWR, H5P_DEFAULT);
  if (f < 0) abort();
  for (unsigned k = 1 + take(&in, 3); k > 0; k--) edit(f, &in);
  H5Fclose(f);
  tl_error err = {0};
  tl_status st;
  if (which == 0) {
    tl_samples_t *s = NULL;
    st = tl_dataset_load_samples(work, &s, &err);
    check(st, &err);
    tl_samples_free(s);
    tl_dataset_info_t *info = malloc(sizeof *info);
    st = tl_dataset_info(work, info, &err);
    check(st, &err);
    free(info);
  } else if (which == 1) {
    tl_model_t *m = NULL;
    st = tl_model_load(&m, work, NULL, &err);
    check(st, &err);
    tl_model_free(m);
  } else if (which == 3) { /* load the edited phase checkpoint; accepted, it must finish */
    checkpoint_info(tmpl_phase);
    tl_phase_params_t pp;
    phase_params(&pp);
    tl_phase_state_t *ps = NULL;
    st = tl_phase_checkpoint_load(tmpl_phase, &pp, &ps, &err);
    check(st, &err);
    tl_phase_point_t pts[4];
    if (!st && tl_phase_diagram_continue(&pp, ps, pts, NULL, NULL, &err)) {
      fprintf(stderr, "accepted checkpoint did not finish: [%s]\n", err.msg);
      __builtin_trap();
    }
    tl_phase_state_free(ps);
    unlink(tmpl_phase);
    return 0;
  } else { /* resume the edited checkpoint: finish it or refuse it in one line */
    checkpoint_info(tmpl_ck);
    tl_dataset_params_t p;
    checkpoint_params(&p);
    p.resume = 1;
    st = tl_dataset_generate(&p, resumed, NULL, NULL, NULL, &err);
    check(st, &err);
    unlink(resumed);
    unlink(tmpl_ck);
    return 0;
  }
  tl_chain_t *c = NULL;
  st = tl_hopfile_read_h5(work, 0, TL_OBC, &c, &err);
  check(st, &err);
  tl_chain_free(c);
  unlink(work);
  return 0;
}
