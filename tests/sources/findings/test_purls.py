"""Package URLs read as the purl specification says (packageurl-python), held against the
specification's own test suite; and an unencoded npm scope (`pkg:npm/@angular/core@16.0.0`, as
several tools write it) is the namespace, so two scoped packages no longer collapse into one.

The cases below are copied from the purl specification's test suite: package-url/purl-spec,
`test-suite-data.json` at commit 01c25407a6df0b8ddae65b1bc8fef6c7cf050f26 (MIT License, Copyright
(c) the purl authors). Left out: the cases the suite marks invalid only by a type's own rules
(conan's channel, cran's and swift's required version, swift's namespace); Charter reads the name of
whatever purl a scanner wrote, so it does not refuse those."""

from __future__ import annotations

from pathlib import Path

import pytest

from charter.sources.findings.identity import (
    package_identity,
    parse_purl,
    purl_base,
    purl_name,
    purl_version,
    vulnerability_key,
)
from charter.sources.findings.trivy import read_trivy
from tests.sources.findings.documents import trivy_report, trivy_vulnerability, write_json

# (description, purl, type, namespace, name, version, qualifiers, subpath), as the suite gives them.
VALID = [
    ("valid maven purl", "pkg:maven/org.apache.commons/io@1.3.4",
     "maven", "org.apache.commons", "io", "1.3.4", None, None),
    ("basic valid maven purl without version", "pkg:maven/org.apache.commons/io",
     "maven", "org.apache.commons", "io", None, None, None),
    ("valid go purl without version and with subpath",
     "pkg:GOLANG/google.golang.org/genproto#/googleapis/api/annotations/",
     "golang", "google.golang.org", "genproto", None, None, "googleapis/api/annotations"),
    ("valid go purl with version and subpath",
     "pkg:GOLANG/google.golang.org/genproto@abcdedf#/googleapis/api/annotations/",
     "golang", "google.golang.org", "genproto", "abcdedf", None, "googleapis/api/annotations"),
    ("bitbucket namespace and name should be lowercased",
     "pkg:bitbucket/birKenfeld/pyGments-main@244fd47e07d1014f0aed9c",
     "bitbucket", "birkenfeld", "pygments-main", "244fd47e07d1014f0aed9c", None, None),
    ("github namespace and name should be lowercased", "pkg:github/Package-url/purl-Spec@244fd47e07d1004f0aed9c",
     "github", "package-url", "purl-spec", "244fd47e07d1004f0aed9c", None, None),
    ("debian can use qualifiers", "pkg:deb/debian/curl@7.50.3-1?arch=i386&distro=jessie",
     "deb", "debian", "curl", "7.50.3-1", {"arch": "i386", "distro": "jessie"}, None),
    ("docker uses qualifiers and hash image id as versions",
     "pkg:docker/customer/dockerimage@sha256:244fd47e07d1004f0aed9c?repository_url=gcr.io",
     "docker", "customer", "dockerimage", "sha256:244fd47e07d1004f0aed9c", {"repository_url": "gcr.io"}, None),
    ("Java gem can use a qualifier", "pkg:gem/jruby-launcher@1.1.2?Platform=java",
     "gem", None, "jruby-launcher", "1.1.2", {"platform": "java"}, None),
    ("maven often uses qualifiers",
     "pkg:Maven/org.apache.xmlgraphics/batik-anim@1.9.1?classifier=sources&repositorY_url=repo.spring.io/release",
     "maven", "org.apache.xmlgraphics", "batik-anim", "1.9.1",
     {"classifier": "sources", "repository_url": "repo.spring.io/release"}, None),
    ("maven can come with a type qualifier", "pkg:Maven/net.sf.jacob-project/jacob@1.14.3?classifier=x86&type=dll",
     "maven", "net.sf.jacob-project", "jacob", "1.14.3", {"classifier": "x86", "type": "dll"}, None),
    ("npm can be scoped", "pkg:npm/%40angular/animation@12.3.1",
     "npm", "@angular", "animation", "12.3.1", None, None),
    ("nuget names are case sensitive", "pkg:Nuget/EnterpriseLibrary.Common@6.0.1304",
     "nuget", None, "EnterpriseLibrary.Common", "6.0.1304", None, None),
    ("pypi names have special rules and not case sensitive", "pkg:PYPI/Django_package@1.11.1.dev1",
     "pypi", None, "django-package", "1.11.1.dev1", None, None),
    ("rpm often use qualifiers", "pkg:Rpm/fedora/curl@7.50.3-1.fc25?Arch=i386&Distro=fedora-25",
     "rpm", "fedora", "curl", "7.50.3-1.fc25", {"arch": "i386", "distro": "fedora-25"}, None),
    ("slash / after scheme is not significant", "pkg:/maven/org.apache.commons/io",
     "maven", "org.apache.commons", "io", None, None, None),
    ("double slash // after scheme is not significant", "pkg://maven/org.apache.commons/io",
     "maven", "org.apache.commons", "io", None, None, None),
    ("slash /// after type  is not significant", "pkg:///maven/org.apache.commons/io",
     "maven", "org.apache.commons", "io", None, None, None),
    ("valid maven purl with case sensitive namespace and name", "pkg:maven/HTTPClient/HTTPClient@0.3-3",
     "maven", "HTTPClient", "HTTPClient", "0.3-3", None, None),
    ("valid maven purl containing a space in the version and qualifier",
     "pkg:maven/mygroup/myartifact@1.0.0%20Final?mykey=my%20value",
     "maven", "mygroup", "myartifact", "1.0.0 Final", {"mykey": "my value"}, None),
    ("valid conan purl", "pkg:conan/cctz@2.3", "conan", None, "cctz", "2.3", None, None),
    ("valid conan purl with namespace and qualifier channel", "pkg:conan/bincrafters/cctz@2.3?channel=stable",
     "conan", "bincrafters", "cctz", "2.3", {"channel": "stable"}, None),
    ("valid conda purl with qualifiers",
     "pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2",
     "conda", None, "absl-py", "0.4.1",
     {"build": "py36h06a4308_0", "channel": "main", "subdir": "linux-64", "type": "tar.bz2"}, None),
    ("valid cran purl", "pkg:cran/A3@0.9.1", "cran", None, "A3", "0.9.1", None, None),
    ("valid swift purl", "pkg:swift/github.com/Alamofire/Alamofire@5.4.3",
     "swift", "github.com/Alamofire", "Alamofire", "5.4.3", None, None),
    ("valid hackage purl", "pkg:hackage/AC-HalfInteger@1.2.1",
     "hackage", None, "AC-HalfInteger", "1.2.1", None, None),
    ("with `qualifiers.vcs_url` as SHA512 in hex representation",
     "pkg:npm/packageurl-js@0.0.7?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Fpackage-url%2Fpackageurl-js.git",
     "npm", None, "packageurl-js", "0.0.7", {"vcs_url": "git+https://github.com/package-url/packageurl-js.git"}, None),
    ("with `qualifiers.download_url`",
     "pkg:npm/packageurl-js@0.0.7?download_url=https%3A%2F%2Fregistry.npmjs.org%2Fpackageurl-js%2F-%2Fpackageurl-js-0.0.7.tgz",
     "npm", None, "packageurl-js", "0.0.7",
     {"download_url": "https://registry.npmjs.org/packageurl-js/-/packageurl-js-0.0.7.tgz"}, None),
]  # fmt: skip

# (description, text) the suite marks invalid for every type: not package URLs at all.
INVALID = [
    ("a scheme is always required", "EnterpriseLibrary.Common@6.0.1304"),
    ("a type is always required", "pkg:EnterpriseLibrary.Common@6.0.1304"),
    ("a name is required", "pkg:maven/@1.3.4"),
    ("checks for invalid qualifier keys", "pkg:npm/myartifact@1.0.0?in%20production=true"),
    ("invalid cran purl without name", "pkg:cran/@0.9.1"),
    ("name and version are always required", "pkg:hackage"),
]


@pytest.mark.parametrize(
    ("purl", "type_", "namespace", "name", "version", "qualifiers", "subpath"),
    [case[1:] for case in VALID],
    ids=[case[0] for case in VALID],
)
def test_the_specification_test_suite_parses(
    purl: str,
    type_: str,
    namespace: str | None,
    name: str,
    version: str | None,
    qualifiers: dict[str, str] | None,
    subpath: str | None,
) -> None:
    parsed = parse_purl(purl)

    assert parsed is not None
    assert (parsed.type, parsed.namespace, parsed.name, parsed.version) == (type_, namespace, name, version)
    assert (parsed.qualifiers or None, parsed.subpath) == (qualifiers, subpath)
    assert purl_name(purl) == name and purl_version(purl) == version


@pytest.mark.parametrize("text", [case[1] for case in INVALID], ids=[case[0] for case in INVALID])
def test_what_the_specification_calls_invalid_is_not_a_package_url(text: str) -> None:
    assert parse_purl(text) is None
    assert purl_name(text) is None and purl_version(text) is None


def test_an_unencoded_npm_scope_is_the_namespace() -> None:
    parsed = parse_purl("pkg:npm/@angular/core@16.0.0")

    assert parsed is not None
    assert (parsed.namespace, parsed.name, parsed.version) == ("@angular", "core", "16.0.0")
    assert purl_base("pkg:npm/@angular/core@16.0.0") == purl_base("pkg:npm/%40angular/core@16.0.0")
    assert purl_base("pkg:npm/%40angular/core@16.0.0?x=y") == "pkg:npm/@angular/core"


def test_two_scoped_npm_packages_with_one_vulnerability_are_two_findings_not_one() -> None:
    """Before, both purls read as the package `npm`, and their findings shared one key."""
    angular = vulnerability_key("CVE-2026-1000", None, "pkg:npm/@angular/core@16.0.0")
    babel = vulnerability_key("CVE-2026-1000", None, "pkg:npm/@babel/traverse@7.22.0")

    assert angular == "CVE-2026-1000|core"
    assert babel == "CVE-2026-1000|traverse"
    # The name a scanner gives without a purl reads alike: npm audit's `@angular/core` is `core` too.
    assert package_identity("@angular/core", None) == package_identity(None, "pkg:npm/@angular/core@16.0.0")


def test_a_trivy_scan_of_two_scoped_packages_with_one_advisory_reads_two_findings(tmp_path: Path) -> None:
    scoped = [
        trivy_vulnerability(
            "CVE-2026-1000",
            package,
            version,
            PkgIdentifier={"PURL": f"pkg:npm/{package}@{version}", "UID": package},  # unencoded, as tools write
        )
        for package, version in (("@angular/core", "16.0.0"), ("@babel/traverse", "7.22.0"))
    ]
    (scan,) = read_trivy(write_json(tmp_path / "trivy.json", trivy_report(scoped))).scans

    assert sorted(finding.key for finding in scan.findings) == ["CVE-2026-1000|core", "CVE-2026-1000|traverse"]
