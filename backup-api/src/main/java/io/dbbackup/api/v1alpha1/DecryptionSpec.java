package io.dbbackup.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.ValidationRule;

/** How to read an encrypted backup: a private key or the passphrase. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "has(self.privateKeySecretRef) != has(self.passphraseSecretRef)",
    message = "decryption: set exactly one of privateKeySecretRef or passphraseSecretRef")
public class DecryptionSpec {
  private SecretKeyRef privateKeySecretRef;
  private SecretKeyRef passphraseSecretRef;

  public SecretKeyRef getPrivateKeySecretRef() {
    return privateKeySecretRef;
  }

  public void setPrivateKeySecretRef(SecretKeyRef privateKeySecretRef) {
    this.privateKeySecretRef = privateKeySecretRef;
  }

  public SecretKeyRef getPassphraseSecretRef() {
    return passphraseSecretRef;
  }

  public void setPassphraseSecretRef(SecretKeyRef passphraseSecretRef) {
    this.passphraseSecretRef = passphraseSecretRef;
  }
}
