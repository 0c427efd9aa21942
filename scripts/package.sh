#!/usr/bin/env bash
# Usage: scripts/package.sh [--revision N] [--bin-dir DIR] [--out DIR] [--no-rpm]
# Builds the release binaries (scripts/build-release.sh) and packages them with Debian's tools:
#   OUT/influxdb-meta_VERSION-N_amd64.deb   (dpkg-deb; Depends from dpkg-shlibdeps)
#   OUT/influxdb-meta-VERSION-N.x86_64.rpm  (rpmbuild, from Debian's rpm package)
# VERSION is the one influxd-meta prints (MetaBuild.version); N, the package revision, is 1
# unless given. OUT defaults to dist/. --bin-dir packages already built binaries instead of
# building. Prints the paths of the packages made, one a line, the .deb first.
# What goes where, and the services: packaging/ and docs/OPERATIONS.md, "Installing from the
# package".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
revision=1
bin=
out=dist
rpm=1
while [ "$#" -gt 0 ]; do
    case $1 in
        --revision) revision=$2; shift 2 ;;
        --bin-dir) bin=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --no-rpm) rpm=0; shift ;;
        *) echo "usage: scripts/package.sh [--revision N] [--bin-dir DIR] [--out DIR] [--no-rpm]" >&2; exit 2 ;;
    esac
done
case $revision in
    [0-9]*) ;;
    *) echo "package: --revision $revision: give a number, e.g. --revision 2" >&2; exit 2 ;;
esac
for tool in dpkg-deb dpkg-shlibdeps strip; do
    command -v "$tool" > /dev/null || { echo "package: $tool is missing; run scripts/install-deps.sh" >&2; exit 1; }
done
if [ "$rpm" = 1 ] && ! command -v rpmbuild > /dev/null; then
    echo "package: rpmbuild is missing (Debian package rpm); run scripts/install-deps.sh, or pass --no-rpm" >&2
    exit 1
fi

version=$(sed -n 's/^ *public static let version = "\(.*\)"$/\1/p' Sources/MetaKernel/Node/MetaBuild.swift)
[ -n "$version" ] || { echo "package: no version in Sources/MetaKernel/Node/MetaBuild.swift" >&2; exit 1; }
if [ -z "$bin" ]; then bin=$(scripts/build-release.sh | tail -1); fi
for program in influxd-meta influxd-ctl influx-license; do
    [ -x "$bin/$program" ] || { echo "package: $bin/$program is missing; build with scripts/build-release.sh" >&2; exit 1; }
done
built=$("$bin/influxd-meta" version)
[ "$built" = "influxd-meta $version" ] ||
    { echo "package: $bin/influxd-meta says \"$built\", the source says $version; rebuild with scripts/build-release.sh" >&2; exit 1; }

work=$(mktemp -d /tmp/package.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
out=$(cd "$out" && pwd)

# --- the files, as installed ---------------------------------------------------------------
tree=$work/tree
install -d "$tree/usr/bin" "$tree/etc/influxdb" "$tree/etc/default" "$tree/etc/logrotate.d" \
    "$tree/usr/share/doc/influxdb-meta"
for program in influxd-meta influxd-ctl influx-license; do
    # Debian policy's stripping (dh_strip): no debug sections, no symbols the loader does not need.
    strip --strip-unneeded --remove-section=.comment --remove-section=.note \
        -o "$tree/usr/bin/$program" "$bin/$program"
    chmod 0755 "$tree/usr/bin/$program"
done
# The default config: the binary's own rendering of its defaults (no file, no environment),
# with comments on what a node needs before it starts.
: > "$work/empty.conf"
{
    cat packaging/config-header.conf
    env -i HOME=/nonexistent PATH=/usr/bin:/bin "$bin/influxd-meta" config -config "$work/empty.conf" |
        awk -f packaging/config-comments.awk
} > "$tree/etc/influxdb/influxdb-meta.conf"
"$bin/influxd-meta" config -config "$tree/etc/influxdb/influxdb-meta.conf" > /dev/null
install -m 0644 packaging/default "$tree/etc/default/influxdb-meta"
install -m 0644 packaging/logrotate "$tree/etc/logrotate.d/influxdb-meta"
for doc in OPERATIONS.md CONFIGURATION.md LICENSING.md; do
    install -m 0644 "docs/$doc" "$tree/usr/share/doc/influxdb-meta/$doc"
done

# --- .deb ------------------------------------------------------------------------------------
deb=$work/deb
cp -a "$tree" "$deb"
install -D -m 0755 packaging/init.sh "$deb/etc/init.d/influxdb-meta"
install -D -m 0644 packaging/influxdb-meta.service "$deb/lib/systemd/system/influxdb-meta.service"
install -d "$deb/DEBIAN"
install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm "$deb/DEBIAN/"
(cd "$deb" && find etc -type f | sort | sed 's|^|/|') > "$deb/DEBIAN/conffiles"
# Depends: the packages holding the libraries the binaries link (dpkg-shlibdeps), libraft held
# at 0.15.0 (influxd-meta refuses another), glibc 2.36 for the packed relocations (DT_RELR) the
# release link uses, and what the maintainer scripts and init script run.
mkdir -p "$work/shlibs/debian"
printf 'Source: influxdb-meta\n\nPackage: influxdb-meta\nArchitecture: amd64\n' > "$work/shlibs/debian/control"
shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$deb/usr/bin/influxd-meta" \
    "$deb/usr/bin/influxd-ctl" "$deb/usr/bin/influx-license" 2> /dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "package: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
depends=$(sed -e 's/libraft2 ([^)]*)/libraft2 (>= 0.15.0), libraft2 (<< 0.15.1~)/' \
    -e 's/libc6 ([^)]*)/libc6 (>= 2.36)/' <<< "$shlibs")
depends="$depends, passwd, util-linux (>= 2.33)"
cat > "$deb/DEBIAN/control" <<CONTROL
Package: influxdb-meta
Version: $version-$revision
Architecture: amd64
Maintainer: influxd-meta maintainers <maintainers@users.noreply.r-seed-f7065f8e.example>
Installed-Size: $(du -sk --exclude=DEBIAN "$deb" | cut -f1)
Depends: $depends
Section: database
Priority: optional
Description: InfluxDB Enterprise meta node (influxd-meta, influxd-ctl, influx-license)
 influxd-meta holds an InfluxDB Enterprise cluster's metadata, replicated by Raft
 (libraft); influxd-ctl administers the cluster; influx-license makes issuer keys
 and license files. A meta node needs a license before it starts: see
 /etc/influxdb/influxdb-meta.conf.
CONTROL
deb_file=$out/influxdb-meta_${version}-${revision}_amd64.deb
dpkg-deb --root-owner-group -Zgzip -z6 --build "$deb" "$deb_file" > /dev/null

# --- .rpm ------------------------------------------------------------------------------------
rpm_file=
if [ "$rpm" = 1 ]; then
    rpmroot=$work/rpm
    cp -a "$tree" "$rpmroot"
    install -D -m 0755 packaging/init.sh "$rpmroot/etc/rc.d/init.d/influxdb-meta"
    install -D -m 0644 packaging/influxdb-meta.service "$rpmroot/usr/lib/systemd/system/influxdb-meta.service"
    mkdir -p "$work/rpmbuild"
    sed -e "s|@VERSION@|$version|" -e "s|@RELEASE@|$revision|" -e "s|@ROOT@|$rpmroot|" \
        packaging/influxdb-meta.spec > "$work/influxdb-meta.spec"
    rpmbuild -bb --quiet --define "_topdir $work/rpmbuild" --define "_rpmdir $work/rpms" \
        --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
        "$work/influxdb-meta.spec" > "$work/rpmbuild.log" 2>&1 ||
        { cat "$work/rpmbuild.log" >&2; exit 1; }
    rpm_file=$out/influxdb-meta-${version}-${revision}.x86_64.rpm
    mv "$work/rpms/influxdb-meta-${version}-${revision}.x86_64.rpm" "$rpm_file"
fi
echo "$deb_file"
[ -z "$rpm_file" ] || echo "$rpm_file"
