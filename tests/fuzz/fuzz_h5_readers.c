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
 * accepted, finished. After the edits, the rest of the input may add an attribute of any
 * class, shape and size to the root or a dataset, and overwrite bytes anywhere in the
 * file (metadata and heaps included): libhdf5 may crash on those, which the readers'
 * probe (a forked child) must turn into a one-line refusal. */
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
  tl_model_hyper_default(&hp, tl_model_kind_find("mlp"));
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

/* ---- attributes of any class, shape and size (issue 17: a string attribute stored as an
 * array of strings overflowed the stack in tl_h5_attr_string; the edits above only made
 * scalars and short vectors of three classes) ---- */

/* A type of any class; arrays nest once. Variable-length types only at the top, where
 * any_values builds their buffers. */
static hid_t any_type(input_t *in, int top) {
  const hid_t ints[] = {H5T_NATIVE_SCHAR, H5T_NATIVE_UCHAR, H5T_NATIVE_SHORT, H5T_NATIVE_USHORT,
                        H5T_NATIVE_INT, H5T_NATIVE_UINT, H5T_NATIVE_LLONG, H5T_NATIVE_ULLONG};
  switch (take(in, top ? 11 : 7)) {
    case 0: return H5Tcopy(ints[take(in, 8)]);
    case 1: return H5Tcopy(take(in, 2) ? H5T_NATIVE_DOUBLE : H5T_NATIVE_FLOAT);
    case 2: return H5Tcopy(take(in, 2) ? H5T_STD_I64BE : H5T_IEEE_F64BE);
    case 3: { /* fixed-length string of any size and padding */
      hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, 1 + take(in, 255) + 256 * take(in, 2));
      H5Tset_strpad(t, (H5T_str_t)take(in, 3));
      return t;
    }
    case 4: { /* compound {int, double} */
      hid_t t = H5Tcreate(H5T_COMPOUND, 16);
      H5Tinsert(t, "i", 0, H5T_NATIVE_INT);
      H5Tinsert(t, "x", 8, H5T_NATIVE_DOUBLE);
      return t;
    }
    case 5: { /* enum over int */
      hid_t t = H5Tenum_create(H5T_NATIVE_INT);
      int a = 0, b = 1;
      H5Tenum_insert(t, "obc", &a);
      H5Tenum_insert(t, "pbc", &b);
      return t;
    }
    case 6: { /* opaque or bitfield */
      if (take(in, 2)) return H5Tcopy(H5T_NATIVE_B32);
      hid_t t = H5Tcreate(H5T_OPAQUE, 1 + take(in, 32));
      H5Tset_tag(t, "fuzz");
      return t;
    }
    case 7: { /* array of a non-variable type */
      hid_t base = any_type(in, 0);
      hsize_t n = 1 + take(in, 8);
      hid_t t = H5Tarray_create2(base, 1, &n);
      H5Tclose(base);
      return t;
    }
    case 8: case 9: { /* variable-length string */
      hid_t t = H5Tcopy(H5T_C_S1);
      H5Tset_size(t, H5T_VARIABLE);
      H5Tset_cset(t, take(in, 2) ? H5T_CSET_UTF8 : H5T_CSET_ASCII);
      return t;
    }
    default: return H5Tvlen_create(H5T_NATIVE_INT); /* variable-length sequence */
  }
}

/* Scalar, null or simple of rank 1..2 with extents 0..~1000 (the type size bounds the
 * whole below 64 KiB, the object-header limit of attributes in these files). */
static hid_t any_space(input_t *in, size_t elem) {
  switch (take(in, 4)) {
    case 0: return H5Screate(H5S_SCALAR);
    case 1: return H5Screate(H5S_NULL);
    default: {
      int rank = 1 + (int)take(in, 2);
      hsize_t d[2], n = 1;
      for (int k = 0; k < rank; k++) n *= (d[k] = take(in, 2) ? take(in, 4) : take(in, 256) * 4);
      while (n * (elem ? elem : 1) > 60000) { /* shrink, keeping the rank */
        n = 1;
        for (int k = 0; k < rank; k++) n *= (d[k] /= 2);
      }
      return H5Screate_simple(rank, d, NULL);
    }
  }
}

/* Writes an attribute of any type and shape, its values from the input, named after one
 * the readers look for (so the reader meets it) or a fresh name. */
static void any_attribute(hid_t obj, const char *name, input_t *in) {
  hid_t t = any_type(in, 1);
  const size_t size = H5Tget_size(t);
  const int vstr = H5Tis_variable_str(t) > 0, vseq = H5Tget_class(t) == H5T_VLEN;
  hid_t sp = any_space(in, vstr || vseq ? 16 : size);
  hssize_t n = H5Sget_simple_extent_npoints(sp);
  if (n < 0) n = 0;
  /* the pool: strings and sequences point into it; up to 256 input bytes, repeated */
  unsigned char *buf = calloc((size_t)(n ? n : 1), size), pool[4096];
  size_t m = 0;
  for (; m < 256 && in->n; m++) pool[m] = (unsigned char)take(in, 256);
  for (size_t i = m; i < sizeof pool; i++) pool[i] = m ? pool[i % m] : (unsigned char)'x';
  pool[sizeof pool - 1] = 0;
  for (hssize_t i = 0; buf && i < n; i++) {
    const size_t at = take(in, 250) * 16; /* 16 ints from there stay inside the pool */
    if (vstr) { /* any bytes up to a NUL, empty strings too */
      char *str = (char *)pool + at;
      memcpy(buf + (size_t)i * size, &str, sizeof str);
    } else if (vseq) {
      hvl_t v = {take(in, 16), pool + at};
      memcpy(buf + (size_t)i * size, &v, sizeof v);
    } else {
      for (size_t b = 0; b < size; b++) buf[(size_t)i * size + b] = (unsigned char)take(in, 256);
    }
  }
  if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
  hid_t a = buf ? H5Acreate2(obj, name, t, sp, H5P_DEFAULT, H5P_DEFAULT) : -1;
  if (a >= 0) {
    H5Awrite(a, t, buf);
    H5Aclose(a);
  }
  free(buf);
  H5Sclose(sp);
  H5Tclose(t);
}

/* An attribute of any kind on the root or on a dataset: an existing one (retyped, the
 * reader expects it) or a new one. */
static void edit_attribute(hid_t f, input_t *in) {
  names_t ds = {0}, at = {0};
  H5Ovisit2(f, H5_INDEX_NAME, H5_ITER_INC, visit, &ds, H5O_INFO_BASIC);
  hid_t obj = ds.n && take(in, 4) == 0 ? H5Oopen(f, ds.name[take(in, (unsigned)ds.n)], H5P_DEFAULT)
                                       : H5Oopen(f, "/", H5P_DEFAULT);
  if (obj < 0) return;
  hsize_t idx = 0;
  H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, &idx, attr_name, &at);
  char fresh[16];
  snprintf(fresh, sizeof fresh, "fuzz%u", take(in, 4));
  any_attribute(obj, at.n && take(in, 8) ? at.name[take(in, (unsigned)at.n)] : fresh, in);
  H5Oclose(obj);
}

/* ---- corrupt bytes (issue 17: 64 bytes of 0xff in a global heap crashed libhdf5 in
 * H5HG_read). The readers open a file only after a probe walked it in a forked child
 * (src/core/h5_probe.c): a crash or an endless loop there must become a one-line
 * refusal, and a file the probe passes must not crash the readers in this process. */
static void corrupt_bytes(const char *file, input_t *in) {
  size_t len;
  unsigned char *b = slurp(file, &len);
  for (unsigned k = 1 + take(in, 4); k > 0 && len; k--) {
    size_t at = ((size_t)take(in, 256) << 16 | (size_t)take(in, 256) << 8 | take(in, 256)) % len;
    const unsigned kind = take(in, 4), count = 1 + take(in, 64);
    for (unsigned i = 0; i < count && at + i < len; i++)
      b[at + i] = kind == 0 ? 0xff : kind == 1 ? 0x00 : kind == 2 ? b[at + i] ^ (1u << take(in, 8))
                                                                  : (unsigned char)take(in, 256);
  }
  FILE *fp = fopen(file, "wb");
  fwrite(b, 1, len, fp);
  fclose(fp);
  free(b);
}

/* TL_FUZZ_VERBOSE=1: every reader's verdict on stderr (to see what a seed reaches). */
static void check(tl_status st, const tl_error *err) {
  if (getenv("TL_FUZZ_VERBOSE")) fprintf(stderr, "reader: %s\n", st ? err->msg : "accepted");
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
  /* after the edits above (whose bytes the old seeds spend, so they keep their meaning):
   * 1 an attribute of any kind, 2 corrupt bytes, 3 both */
  const unsigned extra = take(&in, 4);
  input_t cin = {in.p, 0}; /* the corruption's 48 bytes, before the attribute eats the rest */
  if (extra & 2) {
    cin.n = in.n < 48 ? in.n : 48;
    in.p += cin.n, in.n -= cin.n;
  }
  if (extra & 1) edit_attribute(f, &in);
  H5Fclose(f);
  if (extra & 2) corrupt_bytes(file, &cin);
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
