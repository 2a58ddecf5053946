/* placeholder.c - the account service (account.h); filled in below. */
typedef int acct_placeholder;
