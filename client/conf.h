/* Where vouchctl connects and as whom: flags, then the environment
 * (VOUCHD_ADDR, VOUCHD_ID, VOUCHD_KEY, VOUCHD_CACERT), then the config
 * file ($VOUCHCTL_CONFIG, else $XDG_CONFIG_HOME/vouchctl/config, else
 * ~/.config/vouchctl/config):
 *
 *     addr = vouchd.example.gov.cn:7411
 *     id = dc-xinxing
 *     key = ~/.config/vouchctl/dc-xinxing.pem
 *     cacert = /etc/ssl/certs/bureau-ca.pem
 *     plaintext = no
 *
 * A missing file is no error; an unreadable one, or an unknown key, is. */
#ifndef VD_CONF_H
#define VD_CONF_H

#include <stddef.h>

#define CONF_STR 512

struct conf {
	char addr[CONF_STR], id[CONF_STR], key[CONF_STR], cacert[CONF_STR];
	int plaintext;
	char file[CONF_STR]; /* the config file read, or "" */
};

/* The file's settings with the environment's on top. 0, or -1 with
 * "file:line: reason" in err. */
int conf_load(struct conf *c, char *err, size_t len);

/* s, or NULL when it is empty: for the session's borrowed strings. */
const char *conf_str(const char *s);

#endif
