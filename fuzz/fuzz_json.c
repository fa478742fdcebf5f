/* libFuzzer: JSON parsing and the task validation, then the object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request	 r;
	struct issue_event	 ev;
	cJSON			*root = NULL, *spec = NULL, *obj;
	char			*s;

	if (json_parse(&r, (const char *)data, size, &root) != ST_NONE)
		return 0;
	if (task_spec_from_json(&r, root, &spec) == ST_NONE) {
		obj = task_object("task-1", "default", NULL, NULL, spec);
		if ((s = cJSON_PrintUnformatted(obj)) == NULL)
			abort();
		free(s);
		cJSON_Delete(obj);
	}
	(void)issue_event_read(&r, root, &ev);
	cJSON_Delete(root);
	return 0;
}
