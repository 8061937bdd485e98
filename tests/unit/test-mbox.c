/* The streaming mbox reader: splitting, >From unquoting, size limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bouncewhy.h"
#include "check.h"

int main(void)
{
	const char *mbox =
		"From MAILER-DAEMON Thu Sep 18 17:54:04 2008\n"
		"Subject: one\n\nbody one\n>From here\n\n"
		"From MAILER-DAEMON Thu Sep 18 17:55:04 2008\n"
		"Subject: two\n\n"
		"0123456789012345678901234567890123456789012345678901234567890123456789\n"
		"0123456789012345678901234567890123456789012345678901234567890123456789\n\n"
		"From MAILER-DAEMON Thu Sep 18 17:56:04 2008\n"
		"Subject: three\n\nbody three\n";
	char path[] = "/tmp/bw-test-mbox-XXXXXX";
	bw_mbox *mb = NULL;
	const char *msg;
	size_t len;
	int fd;

	CHECK(bw_mbox_detect(mbox, strlen(mbox)) == 1);
	CHECK(bw_mbox_detect("Subject: x\n", 11) == 0);
	fd = mkstemp(path);
	CHECK(write(fd, mbox, strlen(mbox)) == (ssize_t)strlen(mbox));
	lseek(fd, 0, SEEK_SET);
	CHECK(bw_mbox_open_fd(&mb, fd, 120) == BW_OK);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
	CHECK(len == strlen("Subject: one\n\nbody one\nFrom here\n\n"));
	CHECK(strncmp(msg, "Subject: one\n\nbody one\nFrom here\n", len - 1) == 0);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_ELIMIT);   /* message two is too big */
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
	CHECK(strncmp(msg, "Subject: three\n", 15) == 0);
	CHECK(bw_mbox_next(mb, &msg, &len) == BW_ENOTFOUND);
	bw_mbox_free(mb);
	CHECK(bw_mbox_open_fd(&mb, -1, 0) == BW_EINVALID);
	close(fd);
	unlink(path);

	/* Bare CR and CRLF line endings split the same way. */
	{
		const char *variants[] = {
			"From a Thu Sep 18 17:54:04 2008\rSubject: one\r\rbody\rFrom b Thu Sep 18 17:55:04 2008\rSubject: two\r\rbody\r",
			"From a Thu Sep 18 17:54:04 2008\r\nSubject: one\r\n\r\nbody\r\nFrom b Thu Sep 18 17:55:04 2008\r\nSubject: two\r\n\r\nbody\r\n",
		};
		size_t v;
		for (v = 0; v < 2; v++) {
			char p2[] = "/tmp/bw-test-mbox-XXXXXX";
			int fd2 = mkstemp(p2);
			CHECK(write(fd2, variants[v], strlen(variants[v])) == (ssize_t)strlen(variants[v]));
			lseek(fd2, 0, SEEK_SET);
			CHECK(bw_mbox_open_fd(&mb, fd2, 0) == BW_OK);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
			CHECK(len > 12 && strncmp(msg, "Subject: one", 12) == 0);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_OK);
			CHECK(len > 12 && strncmp(msg, "Subject: two", 12) == 0);
			CHECK(bw_mbox_next(mb, &msg, &len) == BW_ENOTFOUND);
			bw_mbox_free(mb);
			close(fd2);
			unlink(p2);
		}
	}
	return check_done();
}
