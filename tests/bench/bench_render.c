/* bench_render.c - certificate PDFs per second: the HarfBuzz subset route
 * against libharu loading the whole LXGW WenKai font into each document.
 *
 *   bench_render [-n COUNT] [-b NAIVE_COUNT] [-j JOBS] [-f FONT_CHAIN]
 *
 * Prints PDFs/s, ms per PDF and mean size for each route, the speed
 * ratio, and with -j N the same run spread over N threads. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hpdf.h>

#include "skillcert/render/render.h"

#define WENKAI "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
#define THREAD_STACK (1u << 20) /* libharu keeps a 128 KB array on it */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
	"马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
	"欧阳", "司马", "𠮷", "龚", "熊", "䶮",
};
static const char *const given[] = {
	"秀英", "桂英", "秀兰", "玉兰", "桂兰", "凤英", "建华", "丽娟", "海燕",
	"春梅", "晓燕", "淑珍", "美玲", "雪梅", "𫖯", "丹", "静", "敏", "霞",
	"芳", "娜", "红梅", "婷婷", "玉珍", "小红", "金凤", "翠花", "月娥",
	"依古丽·买买提", "其其格",
};
static const char *const orgs[] = {
	"江西省康养职业技能培训评价中心",
	"南昌市红谷滩区康养职业技能培训学校有限公司",
	"四川天府家政服务职业技能等级认定中心",
	"赣州市巾帼家政服务有限公司",
};
static const char *const occs[][3] = {
	{ "养老护理员", "", "三级/高级工" },
	{ "家政服务员", "母婴护理员", "四级/中级工" },
	{ "育婴员", "", "五级/初级工" },
	{ "健康照护师", "", "二级/技师" },
};

struct job {
	const struct render_fonts *fonts;
	int first, count;
	size_t bytes;
	int failed;
	char msg[600];
};

static double
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Wall time, and the process's CPU time: the machine is shared, so CPU
 * time is the steadier measure of cost per PDF. */
static double now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
static double cpu_ms(void) { return clock_ms(CLOCK_PROCESS_CPUTIME_ID); }

/* Certificate i: a varying name, organization and occupation. */
static void
make_input(int i, struct render_input *in, char *name, size_t cap,
    char *certno)
{
	const char *const *o = occs[i % 4];

	snprintf(name, cap, "%s%s", surnames[i % 30], given[(i / 30) % 30]);
	snprintf(certno, 23, "S000036000123%02d%d%06d", 21, 5 - i % 5, i);
	memset(in, 0, sizeof(*in));
	in->certno = certno;
	in->name = name;
	in->id_type = "居民身份证";
	in->id_number = "11010519491231002X";
	in->occupation = o[0];
	in->trade = o[1];
	in->level = o[2];
	in->org_name = orgs[i % 4];
	in->issued_cn = "2021年3月15日";
	in->query_url = "https://cert.example.gov.cn/q";
	/* a signed token's length: 150 base32 characters */
	in->qr_url = "HTTPS://CERT.EXAMPLE.GOV.CN/V/"
	    "AEBAGBAFAYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAEBAGBAF"
	    "AYDQQCIKBMGA2DQPCAIREEYUCULBOGAZDINRYHI6D4QCAEBAGBAFAYDQQ";
	in->brand = i % 3 == 0 ? "江西表嫂" : "";
	in->issued_on = 18701;
}

static void *
run_subset(void *arg)
{
	struct job *j = arg;
	struct render_input in;
	struct buf out = BUF_INIT;
	struct err e = { 0, "" };
	char name[128], certno[32];
	int i;

	for (i = j->first; i < j->first + j->count; i++) {
		make_input(i, &in, name, sizeof(name), certno);
		if (render_cert_pdf(j->fonts, &in, &out, &e) != ERR_OK) {
			j->failed = 1;
			snprintf(j->msg, sizeof(j->msg), "%s: %s", name, e.msg);
			break;
		}
		j->bytes += out.len;
	}
	buf_free(&out);
	return NULL;
}

static void
naive_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
	int *failed = user;

	*failed = (int)no;
}

/* The route the subset replaces: the whole TrueType file into each
 * document, libharu picking the glyphs. Same strings, plain layout. */
static size_t
run_naive(int i, int *failed)
{
	struct render_input in;
	char name[128], certno[32], body[512];
	const char *lines[12];
	HPDF_Doc pdf;
	HPDF_Page page;
	HPDF_Font font;
	const char *fname;
	size_t size = 0, k;

	make_input(i, &in, name, sizeof(name), certno);
	snprintf(body, sizeof(body), "经评价，该同志于%s取得%s%s职业技能等级，"
	    "特发此证。", in.issued_cn, in.occupation, in.level);
	lines[0] = "职业技能等级证书";
	lines[1] = body;
	lines[2] = in.name;
	lines[3] = in.id_type;
	lines[4] = in.id_number;
	lines[5] = in.occupation;
	lines[6] = *in.trade ? in.trade : "--";
	lines[7] = in.level;
	lines[8] = in.certno;
	lines[9] = in.org_name;
	lines[10] = in.issued_cn;
	lines[11] = in.query_url;
	if ((pdf = HPDF_New(naive_error, failed)) == NULL) {
		*failed = 1;
		return 0;
	}
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(pdf);
	page = HPDF_AddPage(pdf);
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	fname = HPDF_LoadTTFontFromFile(pdf, WENKAI, HPDF_TRUE);
	font = fname ? HPDF_GetFont(pdf, fname, "UTF-8") : NULL;
	if (font != NULL) {
		HPDF_Page_BeginText(page);
		HPDF_Page_SetFontAndSize(page, font, 14);
		for (k = 0; k < 12; k++)
			HPDF_Page_TextOut(page, 80, 760 - 40 * (float)k,
			    lines[k]);
		HPDF_Page_EndText(page);
		if (HPDF_SaveToStream(pdf) == HPDF_OK)
			size = HPDF_GetStreamSize(pdf);
	} else
		*failed = 1;
	HPDF_Free(pdf);
	return size;
}

static int
run_threads(const struct render_fonts *fonts, int n, int jobs, double *ms,
    double *cpu, size_t *bytes)
{
	pthread_t tid[64];
	struct job j[64];
	pthread_attr_t attr;
	double t0;
	int k, failed = 0;

	if (pthread_attr_init(&attr) != 0 ||
	    pthread_attr_setstacksize(&attr, THREAD_STACK) != 0)
		return -1;
	t0 = now_ms();
	*cpu = cpu_ms();
	for (k = 0; k < jobs; k++) {
		memset(&j[k], 0, sizeof(j[k]));
		j[k].fonts = fonts;
		j[k].first = n / jobs * k;
		j[k].count = k == jobs - 1 ? n - j[k].first : n / jobs;
		if (pthread_create(&tid[k], &attr, run_subset, &j[k]) != 0)
			return -1;
	}
	*bytes = 0;
	for (k = 0; k < jobs; k++) {
		pthread_join(tid[k], NULL);
		if (j[k].failed) {
			fprintf(stderr, "render failed: %s\n", j[k].msg);
			failed = 1;
		}
		*bytes += j[k].bytes;
	}
	*ms = now_ms() - t0;
	*cpu = cpu_ms() - *cpu;
	pthread_attr_destroy(&attr);
	return failed ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct render_fonts *fonts;
	struct err e = { 0, "" };
	const char *chain = NULL;
	int n = 2000, nn = 50, jobs = 0, c, i, failed = 0;
	double ms, cpu, naive_ms, naive_cpu, t0, c0, sub_cpu;
	size_t bytes, naive_bytes = 0;

	while ((c = getopt(argc, argv, "n:b:j:f:")) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 'b': nn = atoi(optarg); break;
		case 'j': jobs = atoi(optarg); break;
		case 'f': chain = optarg; break;
		default:
			fprintf(stderr, "usage: bench_render [-n COUNT] "
			    "[-b NAIVE_COUNT] [-j JOBS] [-f FONT_CHAIN]\n");
			return 64;
		}
	}
	if (n < 1 || nn < 1 || jobs < 0 || jobs > 64) {
		fprintf(stderr, "bench_render: bad counts\n");
		return 64;
	}
	t0 = now_ms();
	if (render_fonts_open(&fonts, chain, &e) != ERR_OK) {
		fprintf(stderr, "bench_render: %s\n", e.msg);
		return 1;
	}
	printf("fonts opened in %.1f ms\n", now_ms() - t0);

	if (run_threads(fonts, n, 1, &ms, &cpu, &bytes) != 0)
		return 1;
	sub_cpu = cpu / n;
	printf("subset route: %d PDFs in %.0f ms: %.0f PDFs/s, %.2f ms/PDF "
	    "(CPU %.2f ms/PDF), mean %.1f KB\n", n, ms, n * 1e3 / ms, ms / n,
	    sub_cpu, (double)bytes / n / 1024);

	t0 = now_ms();
	c0 = cpu_ms();
	for (i = 0; i < nn && !failed; i++)
		naive_bytes += run_naive(i, &failed);
	naive_ms = now_ms() - t0;
	naive_cpu = cpu_ms() - c0;
	if (failed) {
		fprintf(stderr, "naive route failed: libharu error 0x%04X\n",
		    failed);
		return 1;
	}
	printf("naive route (whole font per document): %d PDFs in %.0f ms: "
	    "%.1f PDFs/s, %.2f ms/PDF (CPU %.2f ms/PDF), mean %.1f KB\n", nn,
	    naive_ms, nn * 1e3 / naive_ms, naive_ms / nn, naive_cpu / nn,
	    (double)naive_bytes / nn / 1024);
	printf("subset route vs naive: %.1fx faster (CPU), %.1fx faster "
	    "(wall), %.1fx smaller\n", (naive_cpu / nn) / sub_cpu,
	    (naive_ms / nn) / (ms / n),
	    ((double)naive_bytes / nn) / ((double)bytes / n));

	if (jobs > 1) {
		if (run_threads(fonts, n, jobs, &ms, &cpu, &bytes) != 0)
			return 1;
		printf("%d threads: %d PDFs in %.0f ms: %.0f PDFs/s "
		    "(%.2fx one thread), CPU %.2f ms/PDF/core\n", jobs, n, ms,
		    n * 1e3 / ms, (n * 1e3 / ms) / (1e3 / sub_cpu), cpu / n);
	}
	render_fonts_close(fonts);
	return 0;
}
