/* Empty: kshim.h defines what the kernel file takes from here. */
