# factory-webhook: a one-shot, socket-activated webhook receiver.
# make            build ./factory-webhook
# make test       install what is missing (as root), build, run every test
#                 under AddressSanitizer and UBSan against a real kube-apiserver
# make run        start a local API server and serve on $PORT
# make install    PREFIX, DESTDIR, PORT as usual

VERSION  = 0.1.0
PREFIX  ?= /usr/local
BINDIR   = $(PREFIX)/bin
MANDIR   = $(PREFIX)/share/man
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
LIBS     = -lcjson -lcrypto -ldl -lm

SRC = handler.c http.c chunked.c json.c k8s.c config.c secret.c names.c \
      form.c log.c tasks.c github.c util.c
HDR = handler.h http.h chunked.h json.h k8s.h config.h secret.h names.h \
      form.h log.h util.h limits.h
OBJ = $(SRC:.c=.o)

SAN_DIR   = build/asan
SAN_FLAGS = -std=gnu11 $(WARN) -O1 -g -fno-omit-frame-pointer \
            -fsanitize=address,undefined -fno-sanitize-recover=all \
            -DVERSION='"$(VERSION)"'

all: factory-webhook

factory-webhook: $(OBJ)
	$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -o $@ $(OBJ) $(LIBS)

%.o: %.c $(HDR)
	$(CC) $(FW_CFLAGS) -c -o $@ $<

$(SAN_DIR)/factory-webhook: $(SRC) $(HDR)
	@mkdir -p $(SAN_DIR)
	$(CC) $(SAN_FLAGS) -o $@ $(SRC) $(LIBS)

asan: $(SAN_DIR)/factory-webhook

deps:
	@sh tests/deps.sh

test: deps
	$(MAKE) all asan
	bash tests/run.sh

run: deps
	$(MAKE) all
	bash tests/run-local.sh

clean:
	rm -rf factory-webhook $(OBJ) build

.PHONY: all asan deps test run clean
