/* Fixed limits of factory-webhook, all in one place. */
#ifndef LIMITS_H
#define LIMITS_H

#define REQUEST_LINE_MAX	8192		/* 414 above this */
#define HEADER_BLOCK_MAX	32768		/* 431 above this (request line excluded) */
#define HEADER_FIELDS_MAX	100		/* 431 above this */
#define METHOD_MAX		16
#define BODY_MAX_DEFAULT	(1024 * 1024)	/* MAX_BODY_BYTES default */
#define GITHUB_STREAM_MAX	(25 * 1024 * 1024) /* ignored deliveries, hashed not kept */
#define DRAIN_MAX		(64 * 1024 * 1024) /* bytes read after the response */
#define DRAIN_MS		2000		/* and for at most this long */
#define REQUEST_TIMEOUT_DEFAULT	10		/* seconds, REQUEST_TIMEOUT_SECONDS */
#define K8S_TIMEOUT_DEFAULT	5		/* seconds, K8S_TIMEOUT_SECONDS */
#define K8S_REPLY_MAX		(1024 * 1024)	/* API server answer kept in memory */
#define SECRETS_MAX		8		/* rotation: values per secret */
#define SECRET_FILE_MAX		65536		/* secret and token files */
#define IDEMPOTENCY_KEY_MAX	128
#define DELIVERY_MAX		63		/* X-GitHub-Delivery, a label value */
#define NAME_MAX_K8S		253		/* Kubernetes object name */
#define LABEL_VALUE_MAX		63
#define NAME_RETRIES		5		/* create attempts on a name clash */
#define LOG_LINE_MAX		8192
#define LOG_VALUE_MAX		200		/* bytes of one logged value */
#define LISTEN_CHILDREN_MAX	64		/* --listen: connections served at once */
#define LISTEN_PER_SOURCE_MAX	16		/* of them from one client address */
#define LISTEN_BACKLOG		128

#endif
