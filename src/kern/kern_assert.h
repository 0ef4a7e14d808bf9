/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kern_assert.h: panic(9) and the KASSERT family.
 *
 * Levels: KASSERT/KASSERTMSG are compiled in with DIAGNOSTIC (debug, asan,
 * tsan builds and CI); KDASSERT/KDASSERTMSG, meant for O(n) checks, with
 * DEBUG.  A disabled assertion still type-checks its expression and its
 * message arguments (they sit in a dead "if (0)"), so release builds cannot
 * rot the debug ones and variables used only in messages stay "used".  CTASSERT is
 * a compile-time assertion.
 */
#ifndef _KERN_ASSERT_H_
#define _KERN_ASSERT_H_

#include <stdarg.h>

#include <sys/cdefs.h> /* libbsd's overlay supplies most of these */
#ifndef __dead
#define __dead __attribute__((__noreturn__))
#endif
#ifndef __printflike
#define __printflike(a, b) __attribute__((__format__(__printf__, a, b)))
#endif
#ifndef __predict_true
#define __predict_true(x)  __builtin_expect(!!(x), 1)
#define __predict_false(x) __builtin_expect(!!(x), 0)
#endif
#ifndef __unused
#define __unused __attribute__((__unused__))
#endif

#define CTASSERT(x) _Static_assert((x), "CTASSERT(" #x ")")

void panic(const char *fmt, ...) __dead __printflike(1, 2);
void vpanic(const char *fmt, va_list) __dead __printflike(1, 0);
void kassert_panic(const char *expr, const char *file, int line,
    const char *fmt, ...) __dead __printflike(4, 5);

#ifdef DIAGNOSTIC
#define KASSERTMSG(e, msg, ...) \
	(__predict_true(e)      \
		? (void)0       \
		: kassert_panic(#e, __FILE__, __LINE__, msg, ##__VA_ARGS__))
#else
#define KASSERTMSG(e, msg, ...)                                            \
	do {                                                               \
		if (0)                                                     \
			kassert_panic(((void)(e), #e), __FILE__, __LINE__, \
			    msg, ##__VA_ARGS__);                           \
	} while (0)
#endif
#define KASSERT(e) KASSERTMSG(e, " ")

#ifdef DEBUG
#define KDASSERTMSG(e, msg, ...) KASSERTMSG(e, msg, ##__VA_ARGS__)
#else
#define KDASSERTMSG(e, msg, ...)                                           \
	do {                                                               \
		if (0)                                                     \
			kassert_panic(((void)(e), #e), __FILE__, __LINE__, \
			    msg, ##__VA_ARGS__);                           \
	} while (0)
#endif
#define KDASSERT(e) KDASSERTMSG(e, " ")

#ifndef __arraycount
#define __arraycount(a) (sizeof(a) / sizeof((a)[0]))
#endif
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#endif
#define powerof2_p(x) ((x) != 0 && (((x) & ((x)-1)) == 0))

#endif /* _KERN_ASSERT_H_ */
