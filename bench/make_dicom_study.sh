#!/bin/sh
# Generates a benchmark study of about SIZE_MB megabytes (default 1024) in FOLDER from the real
# sample instances in tests/data/dicom. It copies four samples in turn (native MR 360x360,
# implicit VR MR 256x256, RLE multi-frame US, CT 128x128). DCMTK dcmodify then moves all copies
# into one new study and gives each a new SOPInstanceUID. Never commit the output.
#
# Usage: bench/make_dicom_study.sh FOLDER [SIZE_MB]
set -eu

folder=${1:?usage: make_dicom_study.sh FOLDER [SIZE_MB]}
size_mb=${2:-1024}
samples_dir=$(dirname "$0")/../tests/data/dicom
samples="basic/dicom3tools-0051.dcm basic/dicomweb-client-sample3-MR.dcm
multiframe/US-PAL-8-10x-echo.dcm basic/CT_small.dcm"

if [ -e "$folder" ]; then
  echo "make_dicom_study.sh: $folder already exists; remove it or choose another folder" >&2
  exit 2
fi
mkdir -p "$folder"

target_bytes=$((size_mb * 1024 * 1024))
total=0
index=0
while [ "$total" -lt "$target_bytes" ]; do
  for sample in $samples; do
    index=$((index + 1))
    cp "$samples_dir/$sample" "$folder/$(printf 'IM%06d.dcm' "$index")"
    total=$((total + $(stat -c %s "$samples_dir/$sample")))
  done
done

# One new study UID for all files, derived from a random UUID ("2.25." and the UUID as a decimal
# integer).
study_uid=$(python3 -c 'import uuid; print("2.25.%d" % uuid.uuid4().int)')
find "$folder" -name 'IM*.dcm' -print0 |
  xargs -0 -n 500 dcmodify -nb -q -gin -m "(0020,000d)=$study_uid"
echo "$folder: $index files, $((total / 1024 / 1024)) MB, study $study_uid"
