# The CUPS web UI test: a held vault job on the jobs page, released there
# with a click in headless Chromium (owner: web UI test).
# SPDX-License-Identifier: Apache-2.0

TESTS += tests/webui/held-release.sh

EXTRA_DIST += \
	tests/webui/held-release.sh \
	tests/webui/webui-drive.py

# The screenshots the test leaves for a person to look at.
CLEANFILES += \
	tests/webui/webui-held-job.png \
	tests/webui/webui-released.png
