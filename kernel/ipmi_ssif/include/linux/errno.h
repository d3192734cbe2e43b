/* glibc's <errno.h> reaches <linux/errno.h> through <bits/errno.h>: the system's one, which
 * this stand-in (found first on the include path) must pass on to. */
#include_next <linux/errno.h>
