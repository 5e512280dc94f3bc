/* topolearn info — summary of a topolearn HDF5 file (validated before it is described). */
#include <string.h>

#include "cli/cli.h"

static const tl_flag_t rows[] = {{0}};
static const tl_flag_group_t groups[] = {{NULL, rows, 0}, {NULL, NULL, 0}};

const tl_cli_cmd_t tl_cli_cmd_info = {
    .name = "info",
    .summary = "summary of a topolearn HDF5 file",
    .synopsis = "FILE.h5",
    .about = "Validates a topolearn data set (format version, shapes, types, every value) and "
             "prints counts per label, ambiguous chains, parameters and provenance. For models "
             "it prints the architecture and training provenance; for the checkpoint of an "
             "interrupted generate or phase-diagram, how much is done.",
    .positional = "FILE",
    .positional_help = "a data set, model or checkpoint file",
    .groups = groups,
    .state_size = 1,
    .run = tl_cmd_info,
};

static void print_info(const char *path, const tl_dataset_info_t *in) {
  const tl_dataset_meta_t *m = &in->meta;
  printf("file         %s\n", path);
  printf("kind         dataset (format_version %d)\n", TL_DATASET_FORMAT_VERSION);
  printf("chains       %ld%s\n", m->n, m->balanced ? " (balanced by rejection)" : "");
  printf("chain        L = %d, ranges %d..%d, %s\n", m->L, m->r_min, m->r_max,
         m->boundary == TL_PBC ? "periodic" : "open");
  for (int k = 0; k <= m->r_max - m->r_min; k++)
    printf("hopping      t_%d uniform in [%g, %g], bond disorder D = %g\n", m->r_min + k, m->t_lo[k],
           m->t_hi[k], m->disorder[k]);
  if (m->onsite > 0) printf("on-site      D_0 = %g (chiral symmetry broken)\n", m->onsite);
  printf("invariant    bulk fraction %g, ambiguity delta %g\n", m->bulk_fraction, m->delta);
  if (m->has_spectrum) {
    printf("method       full (spectrum stored)\n");
    printf("stored       eigvecs %s, qab %s%s\n", m->eig_float32 ? "float32" : "float64",
           m->has_qab ? (m->eig_float32 ? "float32" : "float64") : "not stored",
           m->has_onsite ? ", onsite" : "");
  } else {
    printf("method       window (long-chain mode: block %d, first buffer %d, buffer limit %d, "
           "tol %g)\n", m->window.block, m->window.buffer0, m->window.buffer_limit, m->window.tol);
    printf("stored       no spectrum (energies, eigvecs, qab absent); local_marker on the bulk "
           "window only\n");
    printf("W_error      max %.3g, mean %.3g\n", in->W_error_max, in->W_error_mean);
  }
  printf("labels       ");
  int first = 1;
  for (int i = 0; i < TL_INFO_LABELS; i++)
    if (in->counts[i]) {
      printf("%s%d: %ld (%ld ambiguous)", first ? "" : ", ", in->label_lo + i, in->counts[i],
             in->ambiguous_counts[i]);
      first = 0;
    }
  if (in->out_of_range) printf("%sother: %ld", first ? "" : ", ", in->out_of_range);
  printf("\n");
  printf("ambiguous    %ld of %ld\n", in->ambiguous, m->n);
  printf("k-space      defined for %ld chains, equal to the label for %ld\n", in->kspace_defined,
         in->kspace_agree);
  printf("seed         %llu\n", (unsigned long long)m->seed);
  printf("version      %s\n", m->version);
  printf("created      %s\n", m->created);
  printf("command      %s\n", m->command);
}

int tl_cmd_info(int argc, char **argv) {
  char state;
  tl_cli_parsed_t ps;
  int code = tl_cli_parse(&tl_cli_cmd_info, argc, argv, &state, &ps);
  if (code >= 0) return code;
  tl_error err = {0};
  const char *path = ps.pos[0];
  tl_dataset_info_t *in = tl_malloc(sizeof *in);
  if (!in) {
    tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    return tl_cli_fail("info", &err);
  }
  code = 0;
  tl_file_provenance_t prov;
  if (tl_file_provenance(path, &prov, &err)) {
    code = tl_cli_fail("info", &err);
  } else if (!strcmp(prov.kind, "model")) {
    tl_model_t *m = NULL;
    tl_model_provenance_t mp;
    if (tl_model_load(&m, path, &mp, &err)) {
      code = tl_cli_fail("info", &err);
    } else {
      char desc[512];
      tl_model_summary(m, desc, sizeof desc);
      printf("file         %s\nkind         model (format_version %ld)\n", path, prov.format_version);
      printf("model        %s\n", desc);
      for (int i = 0; i < m->params->ntensors; i++)
        printf("tensor       %-10s %d x %d%s\n", m->params->tensor[i].name, m->params->tensor[i].rows,
               m->params->tensor[i].cols, m->params->tensor[i].frozen ? " (frozen)" : "");
      printf("trained      %d epochs, seed %llu, optimiser step %ld\n", mp.epochs_done,
             (unsigned long long)mp.seed, m->params->step);
      printf("data         %s\ncreated      %s\ncommand      %s\n", mp.data_hash, mp.created, mp.command);
      tl_model_free(m);
    }
  } else if (!strcmp(prov.kind, "dataset_checkpoint") || !strcmp(prov.kind, "phase_checkpoint")) {
    tl_checkpoint_info_t *ci = tl_malloc(sizeof *ci);
    if (!ci) tl_error_set(&err, TL_ERR_NOMEM, "out of memory");
    if (!ci || tl_checkpoint_info(path, ci, &err)) {
      code = tl_cli_fail("info", &err);
    } else {
      printf("file         %s\n", path);
      printf("kind         %s (an interrupted %s; format_version %ld)\n", prov.kind,
             strcmp(prov.kind, "phase_checkpoint") ? "generate" : "phase-diagram",
             prov.format_version);
      printf("kept         %ld of %ld %s (the interrupted command plus --resume finishes it)\n",
             ci->done, ci->total, ci->unit);
      printf("parameters   %s\n", ci->params);
      printf("version      %s\n", prov.version);
      if (prov.created[0]) printf("created      %s\ncommand      %s\n", prov.created, prov.command);
    }
    tl_free(ci);
  } else if (strcmp(prov.kind, "dataset")) { /* other kinds: what every topolearn file has */
    printf("file         %s\n", path);
    printf("kind         %s (format_version %ld; topolearn %s details data sets only)\n",
           prov.kind, prov.format_version, TL_VERSION);
    printf("version      %s\ncreated      %s\ncommand      %s\n", prov.version, prov.created,
           prov.command);
  } else if (tl_dataset_info(path, in, &err)) {
    code = tl_cli_fail("info", &err);
  } else {
    print_info(path, in);
  }
  tl_free(in);
  return code;
}
