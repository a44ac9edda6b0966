/*
 * legval as an external variant in C (docs/peers.md, protocol hotbench-external/1): Clenshaw over
 * every series, nothing beyond libc. It reads job.json with a few string searches (the harness
 * writes it in a fixed layout and names the input files c<case>.static.x.f64 and
 * c<case>.perCall<j>.coefficients.f64), and writes its outputs, its inputs after the calls, its
 * samples and reply.json beside them.
 *
 *   cc -O2 -o examples/external/legval-c examples/external/legval.c -lm
 *   ./legval-c JOB_FILE
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char dir[4096];

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static char *slurp(const char *path, long *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *data = malloc(*size + 1);
  if (fread(data, 1, *size, f) != (size_t)*size) { fclose(f); free(data); return NULL; }
  data[*size] = 0;
  fclose(f);
  return data;
}

static double *read_f64(const char *name, long *n) {
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  long size;
  double *a = (double *)slurp(path, &size);
  if (a) *n = size / 8;
  return a;
}

static void write_f64(const char *name, const double *a, long n) {
  char path[8192];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  fwrite(a, 8, n, f);
  fclose(f);
}

/* The number after "key": at or after `from`. */
static double number_after(const char *from, const char *key) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\":", key);
  const char *p = strstr(from, quoted);
  return p ? strtod(p + strlen(quoted), NULL) : NAN;
}

static void legval(const double *x, long nx, const double *c, long nseries, int deg, double *out) {
  for (long s = 0; s < nseries; s++) {
    const double *cs = c + s * (deg + 1);
    for (long i = 0; i < nx; i++) {
      double v;
      if (deg == 0) v = cs[0];
      else {
        double c0 = cs[deg - 1], c1 = cs[deg];
        for (int n = deg; n >= 2; n--) {
          double previous = c0;
          c0 = cs[n - 2] - c1 * (n - 1) / n;
          c1 = previous + c1 * x[i] * (2 * n - 1) / n;
        }
        v = c0 + c1 * x[i];
      }
      out[s * nx + i] = v;
    }
  }
}

static void array_json(FILE *f, const char *file, long n) {
  fprintf(f, "{\"kind\":\"array\",\"dtype\":\"f64\",\"shape\":[%ld],\"file\":\"%s\"}", n, file);
}

/* Writes the inputs back (static x, each per-call input) and their descriptors. */
static void inputs_after(FILE *reply, int c, const double *x, long nx, double **per, const long *nper, int m) {
  char name[256];
  snprintf(name, sizeof name, "c%d.after.x.f64", c);
  write_f64(name, x, nx);
  fprintf(reply, "\"inputsAfter\":{\"static\":{\"kind\":\"object\",\"fields\":{\"x\":");
  array_json(reply, name, nx);
  fprintf(reply, "}},\"perCall\":[");
  for (int j = 0; j < m; j++) {
    snprintf(name, sizeof name, "c%d.after.perCall%d.f64", c, j);
    write_f64(name, per[j], nper[j]);
    fprintf(reply, "%s{\"kind\":\"object\",\"fields\":{\"coefficients\":", j ? "," : "");
    array_json(reply, name, nper[j]);
    fprintf(reply, "}}");
  }
  fprintf(reply, "]}");
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: legval-c JOB_FILE\n"); return 2; }
  strncpy(dir, argv[argc - 1], sizeof dir - 1);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0; else strcpy(dir, ".");
  long size;
  char *job = slurp(argv[argc - 1], &size);
  if (!job || !strstr(job, "\"hotbench-external/1\"")) { fprintf(stderr, "legval-c: not a hotbench-external/1 job\n"); return 2; }
  int measure = strstr(job, "\"kind\": \"measure\"") != NULL && strstr(job, "\"kind\": \"measure\"") < strstr(job, "\"cases\"");
  char reply_tmp[8192], reply_path[8192];
  snprintf(reply_tmp, sizeof reply_tmp, "%s/reply.json.tmp", dir);
  snprintf(reply_path, sizeof reply_path, "%s/reply.json", dir);
  FILE *reply = fopen(reply_tmp, "w");
  fprintf(reply, "{\"protocol\":\"hotbench-external/1\",\"runtime\":{\"compiler\":\"%s\"},", __VERSION__);
  fprintf(reply, measure ? "\"measurement\":{" : "\"cases\":[");

  const char *at = job;
  for (int c = 0; (at = strstr(at, "\"params\":")) != NULL; c++, at++) {
    long nseries = (long)number_after(at, "nseries"), nx_param = (long)number_after(at, "nx");
    int deg = (int)number_after(at, "deg");
    char name[256];
    long nx = 0;
    snprintf(name, sizeof name, "c%d.static.x.f64", c);
    double *x = read_f64(name, &nx);
    double *per[16];
    long nper[16];
    int m = 0;
    for (; m < 16; m++) {
      snprintf(name, sizeof name, "c%d.perCall%d.coefficients.f64", c, m);
      if (!(per[m] = read_f64(name, &nper[m]))) break;
    }
    if (!x || nx != nx_param || m < 2) { fprintf(stderr, "legval-c: case %d: inputs missing\n", c); return 1; }
    double *out = malloc(sizeof(double) * nseries * nx);
    if (!measure) {
      /* A, B, A on the same prepared state (calls are [0, 1, 0] in version 1). */
      static const int calls[3] = {0, 1, 0};
      fprintf(reply, "%s{\"outputs\":[", c ? "," : "");
      for (int k = 0; k < 3; k++) {
        legval(x, nx, per[calls[k]], nseries, deg, out);
        snprintf(name, sizeof name, "c%d.out%d.f64", c, k);
        write_f64(name, out, nseries * nx);
        if (k) fputc(',', reply);
        array_json(reply, name, nseries * nx);
      }
      fprintf(reply, "],");
      inputs_after(reply, c, x, nx, per, nper, m);
      fprintf(reply, "}");
      continue;
    }
    double warmup_ms = number_after(job, "warmupMs"), time_ms = number_after(job, "timeMs");
    double min_samples = number_after(job, "minSamples"), max_samples = number_after(job, "maxSamples"), min_sample_ns = number_after(job, "minSampleNs");
    /* The clock: its cost per reading. */
    double t0 = now_ns(), t1 = t0;
    for (int i = 0; i < 10000; i++) t1 = now_ns();
    double overhead = (t1 - t0) / 10000;
    if (overhead <= 0) overhead = 1;
    double target = fmax(fmax(min_sample_ns, 100 * overhead), time_ms * 1e6 / max_samples);
    long calls = 0, batch = 1;
    double start = now_ns(), steady = 0;
    /* Warm-up: double the batch while it is short of the target; size it from the last long batch. */
    while (now_ns() - start < warmup_ms * 1e6 || steady == 0) {
      double b0 = now_ns();
      for (long i = 0; i < batch; i++, calls++) legval(x, nx, per[calls % m], nseries, deg, out);
      double elapsed = now_ns() - b0;
      if (elapsed >= target) steady = elapsed / batch;
      else batch *= 2;
    }
    batch = (long)ceil(target * 1.1 / steady);
    if (batch < 1) batch = 1;
    long cap = 1024, n = 0;
    double *samples = malloc(sizeof(double) * cap);
    double deadline = now_ns() + time_ms * 1e6;
    while (n < min_samples || now_ns() < deadline) {
      double b0 = now_ns();
      for (long i = 0; i < batch; i++, calls++) legval(x, nx, per[calls % m], nseries, deg, out);
      if (n == cap) samples = realloc(samples, sizeof(double) * (cap *= 2));
      samples[n++] = now_ns() - b0;
    }
    write_f64("samples.f64", samples, n);
    write_f64("last.f64", out, nseries * nx);
    fprintf(reply, "\"setupNs\":0,\"timer\":{\"resolutionNs\":1,\"overheadNs\":%.3f},\"batch\":%ld,\"calls\":%ld,\"samples\":", overhead, batch, calls);
    array_json(reply, "samples.f64", n);
    fprintf(reply, ",\"output\":");
    array_json(reply, "last.f64", nseries * nx);
    fputc(',', reply);
    inputs_after(reply, c, x, nx, per, nper, m);
    break; /* a measure job has one case */
  }
  fprintf(reply, measure ? "}}\n" : "]}\n");
  fclose(reply);
  rename(reply_tmp, reply_path);
  return 0;
}
