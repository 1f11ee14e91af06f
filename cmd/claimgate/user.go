package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/claimgate/claimgate"
)

func init() {
	register(command{name: "user", summary: "manage users: user add", run: runUser})
}

func runUser(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(e.stderr, "Usage: claimgate user add --username NAME --roles ROLE[,ROLE] [--name FULL] [--password-stdin] [--db FILE | --postgres DSN]")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return errUsage
	}
	fs := newFlagSet(e, "user add", "user add --username NAME --roles ROLE[,ROLE] [--name FULL] [--password-stdin]")
	db := addDBFlags(fs, e, "claimgate.db")
	username := fs.String("username", "", "login name (required)")
	name := fs.String("name", "", "full name shown in the UI (default: the username)")
	roleList := fs.String("roles", "", "comma-separated roles (required): "+rolesHelp())
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *username == "" || *roleList == "" || fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	var roles []claimgate.Role
	for _, r := range strings.Split(*roleList, ",") {
		role, err := claimgate.ParseRole(strings.TrimSpace(r))
		if err != nil {
			return err
		}
		roles = append(roles, role)
	}
	password := ""
	if *pwStdin {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if len(password) < 8 {
			return claimgate.Errorf(claimgate.Invalid, "password must be at least 8 characters")
		}
	} else {
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		password = base64.RawURLEncoding.EncodeToString(b)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return err
	}
	if *name == "" {
		*name = *username
	}
	s, _, err := db.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	u := claimgate.User{Username: *username, Name: *name, PasswordHash: hash, Roles: roles, Active: true, CreatedAt: time.Now().UTC()}
	if err := s.CreateUser(ctx, &u); err != nil {
		return fmt.Errorf("add user %s: %w", *username, err)
	}
	fmt.Fprintf(e.stdout, "added user %s (id %d) with roles %s\n", u.Username, u.ID, *roleList)
	if !*pwStdin {
		fmt.Fprintf(e.stdout, "password: %s\n", password)
	}
	return nil
}

func rolesHelp() string {
	names := make([]string, len(claimgate.Roles))
	for i, r := range claimgate.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
