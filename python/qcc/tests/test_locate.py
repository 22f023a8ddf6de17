"""qcc.find_qcc's search order, on fake installation and source trees."""

import os
import stat
import tempfile
import unittest

from qcc import QccError, find_qcc


def make_executable(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("#!/bin/sh\n")
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


class FindQccTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        root = self.tmp.name
        # <prefix>/lib/python3/dist-packages/qcc with <prefix>/bin/qcc.
        self.installed_package = os.path.join(root, "usr", "lib", "python3",
                                              "dist-packages", "qcc")
        os.makedirs(self.installed_package)
        self.installed_qcc = os.path.join(root, "usr", "bin", "qcc")
        # <repo>/python/qcc with <repo>/build/bin/qcc.
        repo = os.path.join(root, "repo")
        self.repo = repo
        self.source_package = os.path.join(repo, "python", "qcc")
        os.makedirs(self.source_package)
        open(os.path.join(repo, "CMakeLists.txt"), "w").close()
        self.built_qcc = os.path.join(repo, "build", "bin", "qcc")
        self.path_dir = os.path.join(root, "path")
        self.path_qcc = os.path.join(self.path_dir, "qcc")

    def tearDown(self):
        self.tmp.cleanup()

    def find(self, package, qcc_path=None, **environ):
        environ.setdefault("PATH", self.path_dir)
        return find_qcc(qcc_path, environ=environ, package_dir=package)

    def test_explicit_path_then_environment(self):
        explicit = make_executable(os.path.join(self.tmp.name, "my-qcc"))
        env = make_executable(os.path.join(self.tmp.name, "env-qcc"))
        make_executable(self.installed_qcc)
        self.assertEqual(self.find(self.installed_package, explicit,
                                   QCC=env), explicit)
        self.assertEqual(self.find(self.installed_package, QCC=env), env)
        # A bare name is looked up on PATH.
        make_executable(self.path_qcc)
        self.assertEqual(self.find(self.installed_package, "qcc"),
                         self.path_qcc)

    def test_explicit_path_that_is_missing_is_an_error(self):
        make_executable(self.installed_qcc)
        missing = os.path.join(self.tmp.name, "missing")
        with self.assertRaisesRegex(QccError, "from qcc_path"):
            self.find(self.installed_package, missing)
        with self.assertRaisesRegex(QccError, "from the QCC variable"):
            self.find(self.installed_package, QCC=missing)
        not_executable = os.path.join(self.tmp.name, "plain")
        open(not_executable, "w").close()
        with self.assertRaisesRegex(QccError, "not an executable"):
            self.find(self.installed_package, not_executable)

    def test_installed_next_to_the_package(self):
        make_executable(self.installed_qcc)
        make_executable(self.path_qcc)
        self.assertEqual(self.find(self.installed_package),
                         self.installed_qcc)

    def test_pip_style_site_packages(self):
        package = os.path.join(self.tmp.name, "venv", "lib", "python3.11",
                               "site-packages", "qcc")
        os.makedirs(package)
        qcc = make_executable(os.path.join(self.tmp.name, "venv", "bin",
                                           "qcc"))
        self.assertEqual(self.find(package), qcc)

    def test_source_tree_build(self):
        make_executable(self.built_qcc)
        make_executable(self.path_qcc)
        self.assertEqual(self.find(self.source_package), self.built_qcc)
        other = make_executable(os.path.join(self.repo, "out", "bin", "qcc"))
        self.assertEqual(self.find(self.source_package, QCC_BUILD_DIR="out"),
                         other)

    def test_path_last(self):
        make_executable(self.path_qcc)
        self.assertEqual(self.find(self.source_package), self.path_qcc)
        self.assertEqual(self.find(self.installed_package), self.path_qcc)

    def test_nothing_found(self):
        with self.assertRaises(QccError) as raised:
            self.find(self.source_package)
        message = str(raised.exception)
        self.assertIn(self.built_qcc, message)
        self.assertIn("qcc on PATH", message)
        self.assertIn("QCC environment variable", message)
        self.assertIsNone(raised.exception.stderr)


if __name__ == "__main__":
    unittest.main()
