/*
 * Validators for the names and URLs that end up in Kubernetes objects, so
 * that a bad value is refused with the field's name before the API server
 * sees it.  All byte classes are on unsigned char and locale-free.
 */
#include <string.h>

#include "limits.h"
#include "names.h"
#include "util.h"

/* lower-case alphanumerics and '-', alphanumeric at both ends, 1..max. */
static int
is_label_run(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_lower_alnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

int
is_dns_label(const char *s)
{
	return is_label_run(s, strlen(s), 63);
}

int
is_object_name(const char *s)
{
	size_t	 n = strlen(s), part;

	if (n == 0 || n > NAME_MAX_K8S)
		return 0;
	for (;;) {
		part = strcspn(s, ".");
		if (!is_label_run(s, part, 63))
			return 0;
		if (s[part] == '\0')
			return 1;
		s += part + 1;
	}
}

/* Empty, or alphanumerics with '-', '_', '.' inside, at most 63. */
int
is_label_value(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0)
		return 1;
	if (n > LABEL_VALUE_MAX || !is_alnum((unsigned char)s[0]) ||
	    !is_alnum((unsigned char)s[n - 1]))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && strchr("-_.", s[i]) == NULL)
			return 0;
	return 1;
}

int
is_agent(const char *s)
{
	return strcmp(s, "claude-code") == 0 || strcmp(s, "codex") == 0 ||
	    strcmp(s, "open-code") == 0;
}

/* A git branch name as git-check-ref-format(1) allows, bounded. */
int
is_branch(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 255 || s[0] == '/' || s[0] == '-' || s[0] == '.' ||
	    s[n - 1] == '/' || s[n - 1] == '.' || strstr(s, "..") != NULL ||
	    strstr(s, "//") != NULL || strstr(s, "@{") != NULL ||
	    strstr(s, "/.") != NULL || strstr(s, ".lock/") != NULL ||
	    (n >= 5 && strcmp(s + n - 5, ".lock") == 0) ||
	    strcmp(s, "@") == 0 || strcmp(s, "HEAD") == 0)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_ctl(c) || c == ' ' || strchr("~^:?*[\\", c) != NULL)
			return 0;
	}
	return 1;
}

/* http(s)://host[...] with no white space or control characters. */
int
is_url(const char *s, int https_only)
{
	const char	*host;
	size_t		 hostlen;

	if (strncmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (!https_only && strncmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return 0;
	hostlen = strcspn(host, "/?#");
	if (hostlen == 0 || host[0] == ':' || host[0] == '@')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s == 0x7f)
			return 0;
	return 1;
}

static int
is_repo_part(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 100)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_alnum((unsigned char)s[i]) && strchr("-_.", s[i]) == NULL)
			return 0;
	return 1;
}

/* "owner/repo" or "owner/ *" (no space), comma-separated. */
int
is_repo_list(const char *s)
{
	size_t	 n, o;

	for (;;) {
		while (*s == ' ')
			s++;
		n = strcspn(s, ", ");
		o = strcspn(s, "/");
		if (o >= n || !is_repo_part(s, o))
			return 0;
		if (!(n - o == 2 && s[o + 1] == '*') &&
		    !is_repo_part(s + o + 1, n - o - 1))
			return 0;
		s += n;
		while (*s == ' ')
			s++;
		if (*s == '\0')
			return 1;
		if (*s++ != ',')
			return 0;
	}
}

/* GitHub owner and repository names compare case-insensitively. */
int
repo_allowed(const char *list, const char *full)
{
	size_t	 n, o, flen = strlen(full);

	if (list == NULL)
		return 1;
	for (;;) {
		while (*list == ' ' || *list == ',')
			list++;
		if (*list == '\0')
			return 0;
		n = strcspn(list, ", ");
		o = strcspn(list, "/");
		if (o < n && n - o == 2 && list[o + 1] == '*' && flen > o &&
		    ascii_ncaseeq(list, full, o + 1))
			return 1;
		if (flen == n && ascii_ncaseeq(list, full, n))
			return 1;
		list += n;
	}
}

int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!is_tchar((unsigned char)*s))
			return 0;
	return 1;
}

/* No control characters; newlines and tabs only when allowed. */
int
is_printable(const char *s, int allow_newlines)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (is_ctl(c) && !(allow_newlines &&
		    (c == '\n' || c == '\t' || c == '\r')))
			return 0;
	}
	return 1;
}
