/* fault.c - a preloaded library (LD_PRELOAD) that makes one call fail, so
 * end-to-end tests can show the program ends cleanly when it happens:
 *   SKILLCERT_FAULT=reader  mdb_txn_begin fails with MDB_READERS_FULL in
 *                           every thread but the main one
 *   SKILLCERT_FAULT=thread  pthread_create fails with EAGAIN
 *   SKILLCERT_FAULT=resized mdb_txn_begin says MDB_MAP_RESIZED in every
 *                           thread but the main one, and a call of
 *                           mdb_env_set_mapsize from such a thread (which
 *                           LMDB forbids while others use the map) aborts
 * Test-only: never linked into the programs. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <lmdb.h>

static int
fault_is(const char *what)
{
	const char *f = getenv("SKILLCERT_FAULT");
	return f != NULL && strcmp(f, what) == 0;
}

int
mdb_txn_begin(MDB_env *env, MDB_txn *parent, unsigned int flags,
    MDB_txn **txn)
{
	int (*real)(MDB_env *, MDB_txn *, unsigned int, MDB_txn **);

	if (syscall(SYS_gettid) != getpid()) {
		if (fault_is("reader"))
			return MDB_READERS_FULL;
		if (fault_is("resized"))
			return MDB_MAP_RESIZED;
	}
	real = (int (*)(MDB_env *, MDB_txn *, unsigned int, MDB_txn **))
	    dlsym(RTLD_NEXT, "mdb_txn_begin");
	return real(env, parent, flags, txn);
}

int
mdb_env_set_mapsize(MDB_env *env, size_t size)
{
	int (*real)(MDB_env *, size_t);

	if (fault_is("resized") && syscall(SYS_gettid) != getpid())
		abort();
	real = (int (*)(MDB_env *, size_t))dlsym(RTLD_NEXT,
	    "mdb_env_set_mapsize");
	return real(env, size);
}

int
pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *),
    void *arg)
{
	int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
	    void *);

	if (fault_is("thread"))
		return EAGAIN;
	real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
	    void *))dlsym(RTLD_NEXT, "pthread_create");
	return real(t, a, fn, arg);
}
