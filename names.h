/* Validators for the names and URLs that end up in Kubernetes objects. */
#ifndef NAMES_H
#define NAMES_H

int	is_dns_label(const char *);		/* namespace: RFC 1123 label */
int	is_object_name(const char *);		/* RFC 1123 subdomain */
int	is_label_value(const char *);		/* Kubernetes label value */
int	is_agent(const char *);
int	is_branch(const char *);
int	is_url(const char *, int https_only);	/* scheme://host... */
int	is_repo_list(const char *);		/* GITHUB_ALLOWED_REPOS */
int	repo_allowed(const char *list, const char *full_name);
int	is_printable(const char *, int allow_newlines);
int	is_token(const char *);			/* an HTTP field name */

#endif
