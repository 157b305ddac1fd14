# Small valid PDF documents for the test bed: each one distinct, of a chosen
# page count and size, so printers that check formats accept them.
# SPDX-License-Identifier: Apache-2.0
#
# Sourced by bed.sh; needs only bash and coreutils.

# _bed_pdf_obj FILE NUMBER BODY - append object NUMBER and record its offset.
_bed_pdf_obj() {
	_bed_pdf_offsets[$2]=$(stat -c %s "$1")
	printf '%d 0 obj\n%s\nendobj\n' "$2" "$3" >>"$1"
}

# bed_make_pdf FILE TAG [PAGES] [PAD_BYTES]
#   Writes a PDF with PAGES pages (default 1) whose text names TAG and the
#   page number, plus an unreferenced stream of PAD_BYTES random bytes so
#   documents of any size can be made.  Two calls never write the same bytes
#   (the pad and a random document id differ).  Returns non-zero on I/O error.
bed_make_pdf() {
	local file=$1 tag=$2 pages=${3:-1} pad=${4:-0}
	local LC_ALL=C
	local -a _bed_pdf_offsets=()
	local i kids="" text obj xref id

	id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	printf '%%PDF-1.4\n%%\342\343\317\323\n' >"$file" || return 1
	_bed_pdf_obj "$file" 1 "<< /Type /Catalog /Pages 2 0 R >>"
	for ((i = 0; i < pages; i++)); do
		kids+="$((5 + 2 * i)) 0 R "
	done
	_bed_pdf_obj "$file" 2 "<< /Type /Pages /Kids [ $kids] /Count $pages >>"
	_bed_pdf_obj "$file" 3 "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
	_bed_pdf_offsets[4]=$(stat -c %s "$file")
	{
		printf '4 0 obj\n<< /Length %d >>\nstream\n' "$pad"
		head -c "$pad" /dev/urandom
		printf '\nendstream\nendobj\n'
	} >>"$file"
	for ((i = 0; i < pages; i++)); do
		_bed_pdf_obj "$file" $((5 + 2 * i)) "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents $((6 + 2 * i)) 0 R >>"
		text="BT /F1 24 Tf 72 760 Td (cups-vault test bed: $tag, page $((i + 1)) of $pages) Tj ET"
		_bed_pdf_obj "$file" $((6 + 2 * i)) "$(printf '<< /Length %d >>\nstream\n%s\nendstream' "${#text}" "$text")"
	done
	obj=$((5 + 2 * pages))
	xref=$(stat -c %s "$file")
	{
		printf 'xref\n0 %d\n0000000000 65535 f \n' "$obj"
		for ((i = 1; i < obj; i++)); do
			printf '%010d 00000 n \n' "${_bed_pdf_offsets[$i]}"
		done
		printf 'trailer\n<< /Size %d /Root 1 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n' \
			"$obj" "$id" "$id" "$xref"
	} >>"$file"
}
