/* photo.c - the rules a roster's photo meets before it is stored: a
 * regular file inside the roster's folder, not over the size limit, and
 * read in full by the decoders the renderer uses. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "skillcert/image/image.h"
#include "skillcert/roster/photo.h"

/* Every refusal of a path reads the same, so a roster cannot learn which
 * files exist outside its folder from the messages. */
static int
photo_refuse(const char *rel, struct err *e)
{
	return err_set(e, ERR_INVALID, "'%.120s' is not a photo file inside the "
	    "roster's folder (give a relative path to a regular file there, or "
	    "--photos DIR)", rel);
}

/* The next component of a relative path; '\\' (from Windows) counts as
 * '/'. Returns its length, 0 at the end. */
static size_t
photo_next_part(const char **p)
{
	size_t n = 0;

	while (**p == '/' || **p == '\\')
		(*p)++;
	while ((*p)[n] && (*p)[n] != '/' && (*p)[n] != '\\')
		n++;
	return n;
}

/* Walks rel from basefd one component at a time, never following a link
 * (O_NOFOLLOW) and never going up; opens the last one without blocking (a
 * FIFO would hang), and takes only a regular file. */
static int
photo_open_inside(int basefd, const char *rel, struct err *e)
{
	const char *p = rel, *q;
	char part[NAME_MAX + 1];
	struct stat st;
	size_t n;
	int dirfd = basefd, fd, last;

	if (rel[0] == '/' || rel[0] == '\\')
		return photo_refuse(rel, e), -1;
	while ((n = photo_next_part(&p)) != 0 && n <= NAME_MAX &&
	    !(n == 2 && p[0] == '.' && p[1] == '.')) {
		memcpy(part, p, n);
		part[n] = '\0';
		p += n;
		q = p;
		last = photo_next_part(&q) == 0;
		fd = openat(dirfd, part, last ? O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_NOCTTY | O_CLOEXEC : O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (dirfd != basefd)
			close(dirfd);
		dirfd = basefd;
		if (fd < 0)
			break;
		if (last) {
			if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
				return fd;
			close(fd);
			break;
		}
		dirfd = fd;
	}
	if (dirfd != basefd)
		close(dirfd);
	return photo_refuse(rel, e), -1;
}

int
photo_read(const char *dir, const char *rel, size_t max, struct buf *out,
    struct err *e)
{
	struct stat st;
	uint8_t tmp[16384];
	ssize_t r;
	int base, fd;

	buf_reset(out);
	if (dir == NULL || rel[0] == '\0')
		return photo_refuse(rel, e);
	if ((base = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return err_set(e, ERR_NOTFOUND, "cannot open the photo folder %s: %s",
		    dir, strerror(errno));
	fd = photo_open_inside(base, rel, e);
	close(base);
	if (fd < 0)
		return ERR_INVALID;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > max) {
		close(fd);
		return err_set(e, ERR_INVALID, "%s is larger than %zu KB", rel,
		    max >> 10);
	}
	while ((r = read(fd, tmp, sizeof(tmp))) > 0 || (r < 0 && errno == EINTR))
		if (r > 0 && (out->len + (size_t)r > max ||
		    buf_append(out, tmp, (size_t)r) != 0))
			break;
	close(fd);
	if (r != 0)
		return err_set(e, ERR_INVALID, "cannot read %s", rel);
	return 0;
}

int
photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e)
{
	struct image_info info;

	if (p == NULL || n == 0)
		return err_set(e, ERR_INVALID, "photo is empty"), -1;
	if (n > max)
		return err_set(e, ERR_INVALID, "photo is %zu bytes; the limit "
		    "is %zu", n, max), -1;
	if (image_check(p, n, &info, e) != 0)
		return -1;
	if (w)
		*w = (int)info.width;
	if (h)
		*h = (int)info.height;
	return info.type;
}
