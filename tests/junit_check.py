#!/usr/bin/python3
"""Validates a JUnit XML file as CI servers read it, for `ssifsim run --junit` and
`ssifsim sweep --junit` alike.

Usage: junit_check.py FILE

The rules are those of the JUnit XML format as Jenkins' JUnit plugin and GitLab read it
(the Ant JUnit task's format): a <testsuites> root whose `tests` and `failures` are the sums
of its <testsuite>s'; each <testsuite> with `name`, `tests`, `failures`, `errors`, `skipped`
and `time`, whose `tests` is its number of <testcase>s and `failures` the number of them
holding a <failure>; an optional <properties> of <property name value>; each <testcase>
with `classname`, `name` and a non-negative decimal `time`, holding at most one <failure>,
which has a `message`. Test case names are unique within a suite (CI servers key results by
classname and name). Prints "tests=N failures=M" on success; exit 1 with the first broken
rule otherwise.
"""
import re
import sys
import xml.etree.ElementTree as ET


def fail(what):
    print('junit_check: %s: %s' % (sys.argv[1], what))
    sys.exit(1)


def count(el, attr):
    v = el.get(attr)
    if v is None or not re.fullmatch(r'[0-9]+', v):
        fail('<%s> %s="%s" is not a count' % (el.tag, attr, v))
    return int(v)


def seconds(el):
    v = el.get('time')
    if v is None or not re.fullmatch(r'[0-9]+(\.[0-9]+)?', v):
        fail('<%s name="%s"> time="%s" is not seconds' % (el.tag, el.get('name'), v))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as e:
        fail('not well-formed XML: %s' % e)
    if root.tag != 'testsuites':
        fail('the root is <%s>, not <testsuites>' % root.tag)
    total_tests = total_failures = 0
    suites = list(root)
    if not suites:
        fail('no <testsuite>')
    for suite in suites:
        if suite.tag != 'testsuite':
            fail('<%s> inside <testsuites>' % suite.tag)
        if not suite.get('name'):
            fail('a <testsuite> without a name')
        tests, failures = count(suite, 'tests'), count(suite, 'failures')
        count(suite, 'errors')
        count(suite, 'skipped')
        seconds(suite)
        cases, failed, names = 0, 0, set()
        for child in suite:
            if child.tag == 'properties':
                for p in child:
                    if p.tag != 'property' or p.get('name') is None or p.get('value') is None:
                        fail('<properties> holds <%s> without name and value' % p.tag)
                continue
            if child.tag != 'testcase':
                fail('<%s> inside <testsuite>' % child.tag)
            cases += 1
            for attr in ('classname', 'name'):
                if not child.get(attr):
                    fail('a <testcase> without %s' % attr)
            seconds(child)
            key = (child.get('classname'), child.get('name'))
            if key in names:
                fail('two test cases named %s / %s' % key)
            names.add(key)
            results = [c for c in child if c.tag in ('failure', 'error', 'skipped')]
            if len(results) > 1:
                fail('test case %s holds %d results' % (child.get('name'), len(results)))
            if results:
                if results[0].tag != 'failure':
                    fail('test case %s holds <%s>' % (child.get('name'), results[0].tag))
                if results[0].get('message') is None:
                    fail('the failure of %s has no message' % child.get('name'))
                failed += 1
        if cases != tests:
            fail('suite %s says tests="%d" and holds %d' % (suite.get('name'), tests, cases))
        if failed != failures:
            fail('suite %s says failures="%d" and holds %d' % (suite.get('name'), failures, failed))
        total_tests += tests
        total_failures += failures
    if count(root, 'tests') != total_tests or count(root, 'failures') != total_failures:
        fail('<testsuites> totals are not the sums of its suites\'')
    print('tests=%d failures=%d' % (total_tests, total_failures))


if __name__ == '__main__':
    main()
