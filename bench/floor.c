/* The exec floor: the least a per-connection process can do, reading the
 * request and writing a fixed 200 response. */
#include <unistd.h>

int
main(void)
{
	static const char res[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
	    "Content-Length: 3\r\nConnection: close\r\n\r\nok\n";
	char buf[8192];

	if (read(0, buf, sizeof(buf)) < 0)
		return 1;
	return write(1, res, sizeof(res) - 1) == (ssize_t)sizeof(res) - 1 ? 0 : 1;
}
