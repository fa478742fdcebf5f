# factory-webhook: a one-shot, socket-activated webhook receiver.
# make            build ./factory-webhook
# make test       install what is missing (as root), build, fuzz each parser
#                 for a minute, run every test under AddressSanitizer and UBSan
#                 against a real kube-apiserver
# make fuzz       the libFuzzer targets alone (FUZZ_SECONDS each)
# make bench      per-request cost against the exec floor and the alternatives
# make run        start a local API server and serve on $PORT
# make install    PREFIX, DESTDIR, PORT as usual

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
UNITDIR  = $(PREFIX)/lib/systemd/system
DOCDIR   = $(PREFIX)/share/doc/factory-webhook
SYSCONFDIR ?= /etc
PORT    ?= 8080

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wformat=2 -Wvla \
           -Wno-unused-parameter
HARDEN   = -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
           -fstack-clash-protection -fcf-protection -fPIE
FW_CFLAGS  = -std=gnu11 $(WARN) $(HARDEN) -DVERSION='"$(VERSION)"' $(CFLAGS)
FW_LDFLAGS = -pie -Wl,-z,relro,-z,now,-z,noexecstack $(LDFLAGS)
LIBS     = -lcjson -ldl

SRC = handler.c http.c chunked.c json.c k8s.c config.c secret.c names.c \
      form.c log.c tasks.c github.c listen.c crypto.c \
      kubeconfig.c exec.c util.c
HDR = handler.h http.h chunked.h json.h k8s.h config.h secret.h names.h \
      form.h log.h listen.h crypto.h util.h limits.h
OBJ = $(SRC:.c=.o)

SAN_DIR   = build/asan
SAN_FLAGS = -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=all \
            -DVERSION='"$(VERSION)"'

all: factory-webhook

factory-webhook: $(OBJ)
	@echo "  LD  $@"
	@$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -o $@ $(OBJ) $(LIBS)

%.o: %.c $(HDR)
	@echo "  CC  $@"
	@$(CC) $(FW_CFLAGS) -c -o $@ $<

$(SAN_DIR)/factory-webhook: $(SRC) $(HDR)
	@mkdir -p $(SAN_DIR)
	@echo "  CC  $@ (ASan, UBSan)"
	@$(CC) $(SAN_FLAGS) -o $@ $(SRC) $(LIBS)

asan: $(SAN_DIR)/factory-webhook

# libFuzzer targets (clang); FUZZ_SECONDS each.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
             -DVERSION='"$(VERSION)"'
FUZZ_TARGETS = request chunked form json
FUZZ_SRC_request = http.c chunked.c util.c
FUZZ_SRC_chunked = chunked.c
FUZZ_SRC_form    = form.c
FUZZ_SRC_json    = json.c names.c http.c chunked.c util.c

build/fuzz/%: fuzz/fuzz_%.c $(SRC) $(HDR)
	@mkdir -p build/fuzz
	@echo "  CC  $@ (libFuzzer)"
	@clang $(FUZZ_FLAGS) -o $@ $< $(FUZZ_SRC_$*) -lcjson -ldl

fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	bash fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

deps:
	@sh tests/deps.sh

# The whole suite: every fuzz target for FUZZ_SECONDS, then every bats test
# against a real kube-apiserver with the sanitizer build.
test: deps
	$(MAKE) all asan $(FUZZ_TARGETS:%=build/fuzz/%)
	bash fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
	bash tests/run.sh

bench: deps
	bash bench/run.sh

run: deps
	$(MAKE) all
	bash tests/run-local.sh

# Fills in the installed paths and the port.
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@PORT@|$(PORT)|g' \
        -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
CREDS = github-webhook-secret api-token kube-token

install: factory-webhook
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/default
	install -d -m 700 $(DESTDIR)$(SYSCONFDIR)/factory-webhook
	install -m 755 factory-webhook $(DESTDIR)$(BINDIR)/factory-webhook
	install -m 644 factory-webhook.8 $(DESTDIR)$(MANDIR)/man8/factory-webhook.8
	$(SUBST) systemd/factory-webhook.socket \
	    >$(DESTDIR)$(UNITDIR)/factory-webhook.socket
	$(SUBST) systemd/factory-webhook@.service \
	    >$(DESTDIR)$(UNITDIR)/factory-webhook@.service
	$(SUBST) systemd/factory-webhook.xinetd \
	    >$(DESTDIR)$(DOCDIR)/factory-webhook.xinetd
	$(SUBST) systemd/inetd.conf >$(DESTDIR)$(DOCDIR)/inetd.conf
	chmod 644 $(DESTDIR)$(UNITDIR)/factory-webhook.socket \
	    $(DESTDIR)$(UNITDIR)/factory-webhook@.service \
	    $(DESTDIR)$(DOCDIR)/factory-webhook.xinetd $(DESTDIR)$(DOCDIR)/inetd.conf
	@# Settings and secrets are the operator's: never overwritten.
	test -e $(DESTDIR)$(SYSCONFDIR)/default/factory-webhook || \
	    install -m 644 systemd/factory-webhook.env \
	    $(DESTDIR)$(SYSCONFDIR)/default/factory-webhook
	for c in $(CREDS); do \
	    f=$(DESTDIR)$(SYSCONFDIR)/factory-webhook/$$c; \
	    test -e $$f || install -m 600 /dev/null $$f || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/factory-webhook \
	    $(DESTDIR)$(MANDIR)/man8/factory-webhook.8 \
	    $(DESTDIR)$(UNITDIR)/factory-webhook.socket \
	    $(DESTDIR)$(UNITDIR)/factory-webhook@.service \
	    $(DESTDIR)$(DOCDIR)/factory-webhook.xinetd \
	    $(DESTDIR)$(DOCDIR)/inetd.conf
	-rmdir $(DESTDIR)$(DOCDIR)
	@echo "left in place: $(SYSCONFDIR)/default/factory-webhook and $(SYSCONFDIR)/factory-webhook/ (settings and secrets)"

clean:
	rm -rf factory-webhook $(OBJ) build

.PHONY: all asan deps test run bench install uninstall clean fuzz
